"""What the tests share: running the command line, the intake's test configuration and forms, sample content, the installed wheel."""
