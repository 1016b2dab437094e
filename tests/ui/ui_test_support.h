#pragma once
// Shared set-up for the UI suites: one offscreen QApplication for the whole
// test process, QSettings in test mode, an English locale for number texts.
#include <QApplication>
#include <QLocale>
#include <QStandardPaths>
#include <cstdlib>

namespace whittle::ui::uitest {

inline void ensureApplication() {
  if (QApplication::instance() != nullptr) return;
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  static int argc = 1;
  static char* argv[] = {const_cast<char*>("whittle_ui_tests"), nullptr};
  new QApplication(argc, argv);  // lives for the whole process
  QCoreApplication::setApplicationName(QStringLiteral("whittle_ui_tests"));
  QStandardPaths::setTestModeEnabled(true);  // QSettings away from the user's
  QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));  // "4.23", "1,234"
}

}  // namespace whittle::ui::uitest
