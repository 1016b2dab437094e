#include "ui/application.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

// Q_INIT_RESOURCE must be called from the global namespace; whittle.qrc lives
// in a static library, where nothing else would pull its initializer in.
static void initWhittleResources() { Q_INIT_RESOURCE(whittle); }

namespace whittle::ui {

QIcon appIcon() {
  static const bool initialized = (initWhittleResources(), true);
  (void)initialized;
  QIcon icon;
  for (int size : {32, 64, 256}) {
    icon.addFile(QStringLiteral(":/icons/whittle-%1.png").arg(size), QSize(size, size));
  }
  return icon;
}

void setApplicationNames() {
  QCoreApplication::setOrganizationName(QStringLiteral("Whittle"));
  QCoreApplication::setApplicationName(QStringLiteral("Whittle"));
}

QString storedLanguage() {
  return QSettings().value(QLatin1String(kLanguageSettingKey)).toString();
}

void storeLanguage(const QString& language) {
  QSettings().setValue(QLatin1String(kLanguageSettingKey), language);
}

QString initApplication(QApplication& app, const QString& language) {
  setApplicationNames();
  QApplication::setApplicationDisplayName(QStringLiteral("Whittle"));
  QApplication::setWindowIcon(appIcon());

  const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
  auto* ours = new QTranslator(&app);
  // Embedded by qt_add_translations: :/i18n/whittle_de.qm, ...
  if (!ours->load(locale, QStringLiteral("whittle"), QStringLiteral("_"),
                  QStringLiteral(":/i18n"))) {
    delete ours;
    return {};
  }
  QCoreApplication::installTranslator(ours);
  // Qt's own strings (dialog buttons), when the distribution ships them.
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt);
  } else {
    delete qt;
  }
  return ours->language().section(QLatin1Char('_'), 0, 0);
}

}  // namespace whittle::ui
