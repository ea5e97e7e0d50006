from concertation.cli import main

main()
