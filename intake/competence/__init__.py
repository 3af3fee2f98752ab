"""Competence attraction: which of the region's skill needs a household's occupations match."""
