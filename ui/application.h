#pragma once
// Process-wide setup of the workbench: names for QSettings, the app icon and
// the translator for the UI language. Core stays Qt-free; this is UI only.
#include <QIcon>
#include <QString>

class QApplication;

namespace whittle::ui {

// Sets organisation/application names and the window icon, and installs the
// embedded translation for `language` ("de"; empty: the system UI languages).
// Returns the language whose translation was loaded, or "" (English).
QString initApplication(QApplication& app, const QString& language = {});

// Whittle's icon (embedded resources/icons/whittle-*.png).
QIcon appIcon();

}  // namespace whittle::ui
