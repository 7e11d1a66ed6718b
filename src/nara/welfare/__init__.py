"""Welfare (보건복지부): family benefits decided by rule, pensions, stops at death."""
