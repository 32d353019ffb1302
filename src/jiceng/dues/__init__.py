"""Party dues: each member's base and rate by the 2008 rules, the monthly ledger and arrears."""
