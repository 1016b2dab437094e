#pragma once
// Shared set-up for the UI suites: one offscreen QApplication for the whole
// test process, QSettings in a folder of its own (ctest runs test cases as
// parallel processes; a shared settings file would let one case's recent
// projects overwrite another's), an English locale for number texts.
#include <QApplication>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdlib>

namespace whittle::ui::uitest {

inline void ensureApplication() {
  if (QApplication::instance() != nullptr) return;
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  static int argc = 1;
  static char* argv[] = {const_cast<char*>("whittle_ui_tests"), nullptr};
  new QApplication(argc, argv);  // lives for the whole process
  QCoreApplication::setApplicationName(QStringLiteral("whittle_ui_tests"));
  QStandardPaths::setTestModeEnabled(true);
  static QTemporaryDir settings;  // removed when the process ends
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
  QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));  // "4.23", "1,234"
}

}  // namespace whittle::ui::uitest
