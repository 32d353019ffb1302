"""Membership development: applicant → activist → candidate → probationary → full member (发展党员工作细则)."""
