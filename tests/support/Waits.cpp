#include "Waits.h"

#include <QCoreApplication>
#include <QThreadPool>
#include <QtGlobal>

#include <chrono>

namespace fi::test {

bool drainThreadPool(int ms)
{
    const bool ended = QThreadPool::globalInstance()->waitForDone(ms);
    // what the jobs posted (a future's result to its watcher), and what delivering it posts
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    return ended;
}

Watchdog::Watchdog(QString what, int ms)
    : m_thread([this, what = std::move(what), ms] {
          std::unique_lock lock(m_mutex);
          if (!m_done.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_finished; }))
              qFatal("%s did not end within %d ms", qPrintable(what), ms);
      })
{}

Watchdog::~Watchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
    }
    m_done.notify_one();
    m_thread.join();
}

} // namespace fi::test
