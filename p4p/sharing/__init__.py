"""Providers sharing their results with commissioners, with consent and a scope."""
