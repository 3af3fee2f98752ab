"""The public side of the intake: the registration and magazine forms, what they save, the defences
against robots and floods, and the mover's withdrawal page."""
