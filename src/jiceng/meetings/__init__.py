"""Meetings: 三会一课 and the other organisational-life meetings, their plans, sign-in, records and compliance."""
