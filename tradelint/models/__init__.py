"""What a rule family knows about the whole project: one subpackage per family."""
