"""Competence attraction: which of the region's skill needs a household's occupations match.

matches      the rule, as pure functions over plain values (back office, notification, figures)
conditions   the same rule as SQL conditions on households, for lists that must not read every row
"""
