#pragma once

// Bounded waits for the tests: every wait ends, with a message, well within ctest's limit of
// 600 s a test; and a way to know that work on other threads can no longer deliver anything,
// without sleeping to see whether it does.

#include <QString>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace fi::test {

/// How long a test waits for work on another thread (a load, an export, a sort, a follow): far
/// more than any of them takes here, sanitizers included, and far less than ctest's limit.
constexpr int kWorkerTimeoutMs = 60'000;

/// Waits up to `ms` for every job of the global thread pool (QtConcurrent's) to end, then
/// delivers the events they posted: after it, nothing those jobs did can still arrive. False
/// when a job was still running at the end.
bool drainThreadPool(int ms = kWorkerTimeoutMs);

/// For a call that blocks (a destructor that joins a worker): if the guard is not destroyed
/// within `ms`, the test aborts, saying that `what` did not end, rather than hang until
/// ctest kills it.
class Watchdog
{
public:
    Watchdog(QString what, int ms = kWorkerTimeoutMs);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    std::thread m_thread;
};

} // namespace fi::test
