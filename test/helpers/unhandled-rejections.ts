// Collects the process's unhandled rejections while `body` runs (Node 20 ends the process on one): a test asserts
// the list is empty after giving stray promises `settleMs` to reject.
export async function unhandledRejectionsDuring(body: () => Promise<void>, settleMs = 300): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}
