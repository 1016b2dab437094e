// whittle: the Qt 6 workbench.
//   whittle [MODEL.onnx]        open a model file
//   whittle PROJECT.whittle     open a project
//   whittle --zoo ssd_mobilenet_v1  open a zoo network (detector or backbone)
//   whittle --lang de           UI language (default: Preferences, else the system's)
//   whittle --version, --help   print and exit (no display needed)
#include "runtime/process_setup.h"
#include "runtime/threading.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ui/application.h"
#include "ui/guided_tour.h"
#include "ui/main_window.h"

#ifndef WHITTLE_VERSION  // set by app/CMakeLists.txt from the project version
#define WHITTLE_VERSION "dev"
#endif

namespace {

bool envSet(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

// Without a display Qt aborts in QApplication's constructor; say why instead.
bool haveDisplay(int argc, char** argv) {
  if (envSet("DISPLAY") || envSet("WAYLAND_DISPLAY") || envSet("QT_QPA_PLATFORM")) return true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0) {
      return true;
    }
  }
  return false;
}

// --help and --version print and exit; they need no display.
bool onlyPrints(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    for (const char* flag : {"-h", "-?", "--help", "--help-all", "-v", "--version"}) {
      if (std::strcmp(argv[i], flag) == 0) return true;
    }
  }
  return false;
}

struct Options {
  QCommandLineOption zoo{QStringLiteral("zoo"), QStringLiteral("Open the zoo network <name>."),
                         QStringLiteral("name")};
  QCommandLineOption lang{QStringLiteral("lang"),
                          QStringLiteral("UI language: de, en, or system (default: the one chosen "
                                         "in Preferences, else the system's)."),
                          QStringLiteral("code")};
};

void setUpParser(QCommandLineParser& parser, const Options& options) {
  parser.setApplicationDescription(QStringLiteral("Whittle: prune and quantize object detectors."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOption(options.zoo);
  parser.addOption(options.lang);
  parser.addPositionalArgument(QStringLiteral("file"),
                               QStringLiteral("ONNX model or Whittle project (.whittle) to open."),
                               QStringLiteral("[model.onnx | project.whittle]"));
}

}  // namespace

int main(int argc, char** argv) {
  // QCommandLineParser prints "<application name> <version>": "whittle 0.1.0".
  QCoreApplication::setApplicationName(QStringLiteral("whittle"));
  QCoreApplication::setApplicationVersion(QStringLiteral(WHITTLE_VERSION));
  const Options options;
  if (onlyPrints(argc, argv)) {
    QCoreApplication core(argc, argv);
    QCommandLineParser parser;
    setUpParser(parser, options);
    parser.process(core);  // prints the help or the version and exits
    return 0;
  }
  if (!haveDisplay(argc, argv)) {
    std::fprintf(stderr, "whittle: no display; use whittle-cli, or set QT_QPA_PLATFORM=offscreen\n");
    return 2;
  }
  whittle::configure_process(argv);
  whittle::set_threads(0);

  QApplication app(argc, argv);
  QCommandLineParser parser;
  setUpParser(parser, options);
  parser.process(app);

  // --lang wins; otherwise the language chosen in Preferences ("" = the system's).
  whittle::ui::setApplicationNames();
  QString language = parser.isSet(options.lang) ? parser.value(options.lang)
                                                : whittle::ui::storedLanguage();
  if (language == QLatin1String("system")) language.clear();
  whittle::ui::initApplication(app, language);
  whittle::ui::MainWindow window;
  window.show();
  const QStringList models = parser.positionalArguments();
  if (!models.isEmpty() && models.front().endsWith(QLatin1String(".whittle"), Qt::CaseInsensitive)) {
    // A project (the demo's): newcomers get the guided tour once.
    if (window.openProject(models.front()) && whittle::ui::GuidedTour::shouldShow()) {
      QTimer::singleShot(0, &window, &whittle::ui::MainWindow::showGuidedTour);
    }
  } else if (!models.isEmpty()) {
    window.openModelFile(models.front());
  } else if (parser.isSet(options.zoo)) {
    window.openZoo(parser.value(options.zoo));
  }
  return app.exec();
}
