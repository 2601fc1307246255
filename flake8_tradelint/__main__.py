from flake8_tradelint.cli import main

main()
