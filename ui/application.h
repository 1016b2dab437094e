#pragma once
// Process-wide setup of the workbench: names for QSettings, the app icon and
// the translator for the UI language. Core stays Qt-free; this is UI only.
#include <QIcon>
#include <QString>

class QApplication;

namespace whittle::ui {

// QSettings key of the UI language chosen in the settings dialog:
// "" = the system's UI languages, "en", "de".
inline constexpr char kLanguageSettingKey[] = "ui/language";

// Organisation and application names, which QSettings files are named after.
// initApplication calls it too; call it first to read settings before that.
void setApplicationNames();

// The UI language stored in the settings ("" when none was chosen) and
// storing one; applies at the next start. Needs the application names set.
QString storedLanguage();
void storeLanguage(const QString& language);

// Sets organisation/application names and the window icon, and installs the
// embedded translation for `language` ("de"; empty: the system UI languages).
// Returns the language whose translation was loaded, or "" (English).
QString initApplication(QApplication& app, const QString& language = {});

// Whittle's icon (embedded resources/icons/whittle-*.png).
QIcon appIcon();

}  // namespace whittle::ui
