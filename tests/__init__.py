"""The test suite: a folder per area of the code, as the packages are."""
