from softspot.cli import main

main()
