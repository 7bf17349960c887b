#pragma once

#include <QStringList>

/// The list of recently opened captures, most recent first, at most 10, kept in QSettings.
class RecentFiles
{
public:
    static constexpr int kMaximum = 10;

    static QStringList list();
    static void add(const QString& path);
    static void remove(const QString& path);
    static void clear();
};
