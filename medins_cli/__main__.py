from medins_cli.app import main

main()
