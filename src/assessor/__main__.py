from assessor.app import main

raise SystemExit(main())
