"""Facts shared by the rules of one family; rules stay short and read from here."""
