// The German translation: translations/whittle_de.ts covers every string the
// UI passes through tr() (nothing unfinished, empty or stale), keeps the
// placeholders, and the embedded :/i18n/whittle_de.qm loads and translates.
// Also the Preferences dialog that stores the language.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QRegularExpression>
#include <QSet>
#include <QTranslator>
#include <QXmlStreamReader>
#include <algorithm>
#include <string>
#include <vector>

#include "ui/application.h"
#include "ui/settings_dialog.h"
#include "ui_test_support.h"

namespace {

struct TsMessage {
  QString context;
  QString source;
  QString type;  // "", "unfinished", "vanished", "obsolete"
  bool numerus = false;
  QStringList forms;  // the translation, or its plural forms
  qint64 line = 0;    // in the .ts file
};

QString tsPath() { return QStringLiteral(WHITTLE_SOURCE_DIR "/translations/whittle_de.ts"); }

std::vector<TsMessage> readTs(const QString& path, QString* error) {
  std::vector<TsMessage> messages;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    *error = QStringLiteral("cannot open ") + path;
    return messages;
  }
  QXmlStreamReader xml(&file);
  QString context;
  TsMessage message;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) continue;
    const auto name = xml.name();
    if (name == QLatin1String("name")) {
      context = xml.readElementText();
    } else if (name == QLatin1String("message")) {
      message = TsMessage{};
      message.context = context;
      message.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
      message.line = xml.lineNumber();
    } else if (name == QLatin1String("source")) {
      message.source = xml.readElementText();
    } else if (name == QLatin1String("translation")) {
      message.type = xml.attributes().value(QLatin1String("type")).toString();
      if (message.numerus) {
        while (xml.readNextStartElement()) {
          if (xml.name() == QLatin1String("numerusform")) {
            message.forms << xml.readElementText();
          } else {
            xml.skipCurrentElement();
          }
        }
      } else {
        message.forms << xml.readElementText(QXmlStreamReader::IncludeChildElements);
      }
      messages.push_back(message);
    }
  }
  if (xml.hasError()) *error = path + QStringLiteral(": ") + xml.errorString();
  return messages;
}

// %1..%99 and %n (with or without L), as a sorted set.
QStringList placeholders(const QString& text) {
  static const QRegularExpression re(QStringLiteral("%L?([1-9][0-9]?|n)"));
  QSet<QString> found;
  for (auto it = re.globalMatch(text); it.hasNext();) found.insert(it.next().captured(1));
  QStringList list(found.begin(), found.end());
  list.sort();
  return list;
}

QString unescapeC(const QString& literal) {
  QString out;
  for (int i = 0; i < literal.size(); ++i) {
    if (literal[i] != QLatin1Char('\\') || i + 1 == literal.size()) {
      out += literal[i];
      continue;
    }
    const QChar c = literal[++i];
    const int hex = c == QLatin1Char('u') ? 4 : c == QLatin1Char('U') ? 8 : 0;
    if (hex > 0 && i + hex < literal.size()) {  // \u2026: the UTF-8 of that code point
      const char32_t code = literal.mid(i + 1, hex).toUInt(nullptr, 16);
      out += QString::fromUcs4(&code, 1);
      i += hex;
    } else if (c == QLatin1Char('n')) {
      out += QLatin1Char('\n');
    } else if (c == QLatin1Char('t')) {
      out += QLatin1Char('\t');
    } else {
      out += c;  // \" \\ \'
    }
  }
  return out;
}

// Source texts of tr("...") calls (one literal or adjacent literals) in ui/.
QStringList sourceStringsInUi(QStringList* files) {
  static const QRegularExpression call(
      QStringLiteral(R"re((?<![A-Za-z0-9_])tr\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)[,)])re"));
  static const QRegularExpression literal(QStringLiteral(R"re("((?:[^"\\]|\\.)*)")re"));
  QStringList texts;
  const QDir ui(QStringLiteral(WHITTLE_SOURCE_DIR "/ui"));
  for (const QString& name : ui.entryList({QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files)) {
    QFile file(ui.filePath(name));
    if (!file.open(QIODevice::ReadOnly)) continue;
    *files << name;
    const QString code = QString::fromUtf8(file.readAll());
    for (auto it = call.globalMatch(code); it.hasNext();) {
      QString text;
      const QString literals = it.next().captured(1);
      for (auto lit = literal.globalMatch(literals); lit.hasNext();) text += unescapeC(lit.next().captured(1));
      texts << text;
    }
  }
  return texts;
}

QString describe(const TsMessage& m) {
  return QStringLiteral("  whittle_de.ts:%1 [%2] \"%3\"").arg(m.line).arg(m.context, m.source);
}

TEST(Translation, GermanCoversEveryMessageWithItsPlaceholders) {
  QString error;
  const std::vector<TsMessage> messages = readTs(tsPath(), &error);
  ASSERT_TRUE(error.isEmpty()) << error.toStdString();
  ASSERT_GT(messages.size(), 100u);

  QStringList problems;
  for (const TsMessage& m : messages) {
    if (m.type == QLatin1String("vanished") || m.type == QLatin1String("obsolete")) continue;
    if (m.type == QLatin1String("unfinished")) {
      problems << describe(m) + QStringLiteral(" is unfinished");
      continue;
    }
    if (m.numerus && m.forms.size() != 2) {
      problems << describe(m) + QStringLiteral(" needs 2 plural forms, has %1").arg(m.forms.size());
    }
    const QStringList wanted = placeholders(m.source);
    for (const QString& form : m.forms) {
      if (form.trimmed().isEmpty() && !m.source.trimmed().isEmpty()) {
        problems << describe(m) + QStringLiteral(" has an empty translation");
      } else if (placeholders(form) != wanted) {
        problems << describe(m) + QStringLiteral(" placeholders %1 but the translation \"%2\" has %3")
                                      .arg(wanted.join(QLatin1Char(',')), form,
                                           placeholders(form).join(QLatin1Char(',')));
      }
    }
  }
  EXPECT_TRUE(problems.isEmpty()) << problems.size() << " message(s) to fix in translations/whittle_de.ts "
                                  << "(ninja whittle_ui_lupdate, then translate):\n"
                                  << problems.join(QLatin1Char('\n')).toStdString();
}

TEST(Translation, EveryTrStringInTheSourcesIsTranslated) {
  QString error;
  const std::vector<TsMessage> messages = readTs(tsPath(), &error);
  ASSERT_TRUE(error.isEmpty()) << error.toStdString();
  QSet<QString> finished, vanished;
  for (const TsMessage& m : messages) {
    if (m.type.isEmpty()) finished.insert(m.source);
    else if (m.type == QLatin1String("vanished") || m.type == QLatin1String("obsolete")) vanished.insert(m.source);
  }
  QStringList files;
  const QStringList texts = sourceStringsInUi(&files);
  ASSERT_FALSE(files.isEmpty()) << "no sources under " WHITTLE_SOURCE_DIR "/ui";
  ASSERT_GT(texts.size(), 100);
  QStringList missing;
  for (const QString& text : texts) {
    if (text.isEmpty() || finished.contains(text)) continue;
    const QString how = vanished.contains(text) ? QStringLiteral("marked vanished but used")
                                                : QStringLiteral("not in the .ts or unfinished");
    missing << QStringLiteral("  \"%1\" (%2)").arg(text, how);
  }
  missing.removeDuplicates();
  EXPECT_TRUE(missing.isEmpty()) << missing.size() << " tr() string(s) in ui/ lack a German translation "
                                 << "(run ninja whittle_ui_lupdate and translate them):\n"
                                 << missing.join(QLatin1Char('\n')).toStdString();
}

TEST(Translation, EmbeddedGermanQmLoadsAndTranslates) {
  whittle::ui::uitest::ensureApplication();
  (void)whittle::ui::appIcon();  // initializes the embedded resources
  QTranslator translator;
  ASSERT_TRUE(translator.load(QStringLiteral(":/i18n/whittle_de.qm")));
  EXPECT_EQ(translator.language(), QStringLiteral("de_DE"));
  EXPECT_EQ(translator.translate("whittle::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
  EXPECT_EQ(translator.translate("whittle::ui::MainWindow", "Open Project"), QStringLiteral("Projekt öffnen"));
  EXPECT_EQ(translator.translate("ReportWriter", "Comparison"), QStringLiteral("Vergleich"));  // Q_DECLARE_TR_FUNCTIONS
  EXPECT_EQ(translator.translate("whittle::ui::NodeInspector", "%n channel(s)", nullptr, 1),
            QStringLiteral("%n Kanal"));
  EXPECT_EQ(translator.translate("whittle::ui::NodeInspector", "%n channel(s)", nullptr, 3),
            QStringLiteral("%n Kanäle"));

  // Installed, the widgets speak German; removed, English again.
  ASSERT_TRUE(QCoreApplication::installTranslator(&translator));
  {
    whittle::ui::SettingsDialog dialog;
    EXPECT_EQ(dialog.windowTitle(), QStringLiteral("Einstellungen"));
    EXPECT_EQ(QCoreApplication::translate("whittle::ui::JobsPanel", "Cancel"), QStringLiteral("Abbrechen"));
  }
  QCoreApplication::removeTranslator(&translator);
  whittle::ui::SettingsDialog dialog;
  EXPECT_EQ(dialog.windowTitle(), QStringLiteral("Preferences"));
}

TEST(SettingsDialog, StoresTheLanguageForTheNextStart) {
  whittle::ui::uitest::ensureApplication();
  const QString before = whittle::ui::storedLanguage();
  whittle::ui::storeLanguage(QString());
  {
    whittle::ui::SettingsDialog dialog;
    auto* box = dialog.findChild<QComboBox*>(QStringLiteral("languageBox"));
    ASSERT_NE(box, nullptr);
    ASSERT_EQ(box->count(), 3);
    EXPECT_EQ(dialog.language(), QString());
    auto* note = dialog.findChild<QLabel*>(QStringLiteral("restartNote"));
    ASSERT_NE(note, nullptr);
    EXPECT_TRUE(note->text().contains(QStringLiteral("next time")));
    box->setCurrentIndex(box->findData(QStringLiteral("de")));
    dialog.accept();
  }
  EXPECT_EQ(whittle::ui::storedLanguage(), QStringLiteral("de"));
  {
    whittle::ui::SettingsDialog dialog;  // shows what is stored
    EXPECT_EQ(dialog.language(), QStringLiteral("de"));
    dialog.setLanguage(QStringLiteral("en"));
    dialog.reject();  // cancelled: nothing stored
  }
  EXPECT_EQ(whittle::ui::storedLanguage(), QStringLiteral("de"));
  whittle::ui::storeLanguage(before);
}

}  // namespace
