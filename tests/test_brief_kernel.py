"""The kernel manager of a brief's worker: ready when the kernel answers, gone when killed."""

import asyncio

from research_kit.briefs.kernel import BriefKernelClient, BriefKernelManager


def test_a_kernel_started_answers_then_is_gone_once_shut_down():
    async def scenario():
        km = BriefKernelManager(kernel_name="python3")
        await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        kc = km.client()
        try:
            assert isinstance(kc, BriefKernelClient)
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("6 * 7")
            while True:  # the result, read from IOPub as nbclient reads it
                msg = await kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
                    return msg["content"]["data"]["text/plain"], km
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    result, km = asyncio.run(scenario())
    assert result == "42"
    assert not km.has_kernel


def test_waiting_for_a_kernel_that_died_says_so():
    async def scenario():
        km = BriefKernelManager(kernel_name="python3")
        await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        kc = km.client()
        kc.start_channels()
        await km.shutdown_kernel(now=True)  # gone before it could answer
        try:
            await kc.wait_for_ready(timeout=10)
        except RuntimeError as e:
            return str(e)
        finally:
            kc.stop_channels()
        return None

    assert asyncio.run(scenario()) == "Kernel died before replying to kernel_info"
