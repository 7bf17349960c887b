#include "CaptureReader.h"

namespace fi {

bool CaptureReader::open(const std::vector<std::string>& paths, FramesReadAgain readAgain)
{
    close();
    if (paths.empty()) {
        m_error = "no capture file";
        return false;
    }
    for (const std::string& path : paths) {
        auto file = std::make_unique<CaptureFileReader>();
        if (!file->open(path, uint32_t(m_files.size()), m_layout, readAgain)) {
            m_error = paths.size() > 1 ? path + ": " + file->errorString() : file->errorString();
            close();
            return false;
        }
        m_files.push_back(std::move(file));
    }
    m_heads.resize(m_files.size());
    return true;
}

void CaptureReader::close()
{
    m_files.clear();
    m_heads.clear();
    m_taken = SIZE_MAX;
    m_layout = {};
    m_framesRead = 0;
    m_endedEarly = Status::End;
}

uint64_t CaptureReader::fileSize() const
{
    uint64_t total = 0;
    for (const auto& f : m_files)
        total += f->fileSize();
    return total;
}

uint64_t CaptureReader::bytesRead() const
{
    uint64_t total = 0;
    for (const auto& f : m_files)
        total += f->bytesRead();
    return total;
}

void CaptureReader::advance(size_t i)
{
    Head& head = m_heads[i];
    const Status status = m_files[i]->next(head.frame);
    head.ready = status == Status::Frame;
    head.done = !head.ready;
    if (status != Status::Frame && status != Status::End && m_endedEarly == Status::End) {
        m_endedEarly = status;
        m_error = m_files.size() > 1 ? m_layout.files[i].path + ": " + m_files[i]->errorString()
                                     : m_files[i]->errorString();
    }
}

CaptureReader::Status CaptureReader::next(FrameView& frame)
{
    if (m_files.size() == 1) { // (no merge)
        const Status status = m_files[0]->next(frame);
        if (status == Status::Frame)
            frame.number = ++m_framesRead;
        else if (status != Status::End)
            m_error = m_files[0]->errorString();
        return status;
    }
    // The head returned last time may be read over now; every other file has its head.
    if (m_taken == SIZE_MAX) {
        for (size_t i = 0; i < m_heads.size(); ++i)
            advance(i);
    } else if (!m_heads[m_taken].done) {
        advance(m_taken);
    }
    size_t earliest = SIZE_MAX;
    for (size_t i = 0; i < m_heads.size(); ++i)
        if (m_heads[i].ready &&
            (earliest == SIZE_MAX || m_heads[i].frame.record.timeNs < m_heads[earliest].frame.record.timeNs))
            earliest = i;
    if (earliest == SIZE_MAX)
        return m_endedEarly;
    m_taken = earliest;
    m_heads[earliest].ready = false;
    frame = m_heads[earliest].frame;
    frame.number = ++m_framesRead;
    return Status::Frame;
}

} // namespace fi
