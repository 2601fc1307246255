import asyncio

from app.worker import main

asyncio.run(main())
