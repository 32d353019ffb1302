"""Transfers of organisational relations (组织关系转接), outgoing and incoming."""
