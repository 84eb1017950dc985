from medins_cli.entry import main

main()
