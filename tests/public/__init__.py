"""The public forms: what movers send and what is done with bad input."""
