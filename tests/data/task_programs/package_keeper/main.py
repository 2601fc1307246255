import asyncio

from bot.worker import main

asyncio.run(main())
