"""The Jupyter kernel manager a brief's worker uses: jupyter_client's, without its idle waits.

Starting a kernel, jupyter_client waits until its IOPub channel has been silent for 0.2 s
after the first reply; stopping one, it looks every 0.1 s whether the process is gone.
A brief spends both doing nothing, and two workers that start and end together (as the
two languages of one session do) leave both cores idle at once: a few per cent of a
batch. Here the same steps wait on the messages and the process, not on the clock.

Messages the short drain leaves behind are harmless: nbclient reads only the replies to
the requests it sends after the kernel is ready.
"""

from __future__ import annotations

import asyncio
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

__all__ = ["BriefKernelManager"]

#: How long the IOPub channel stays silent before the kernel's start-up chatter counts as read (s).
_DRAIN = 0.02
#: How often a stopping kernel's process is checked (s).
_POLL = 0.005


class BriefKernelClient(AsyncKernelClient):
    """A client whose ``wait_for_ready`` returns once the kernel answered on both channels."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # the kernel's status for that request shows that IOPub is subscribed
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:  # what the kernel said while starting
            try:
                await self.iopub_channel.get_msg(timeout=_DRAIN)
            except Empty:
                break


class BriefKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, with :class:`BriefKernelClient` and a quick check that a killed kernel is gone."""

    client_class = DottedObjectName("research_kit.briefs.kernel.BriefKernelClient")
    client_factory = Type(klass=BriefKernelClient)

    async def _async_wait(self, pollinterval: float = _POLL) -> None:
        while await self._async_is_alive():
            await asyncio.sleep(pollinterval)
