// whittle: the Qt 6 workbench.
//   whittle [MODEL.onnx]        open a model file
//   whittle --zoo mobilenet_v2  open a zoo network
//   whittle --lang de           UI language (default: the system's)
#include "runtime/process_setup.h"
#include "runtime/threading.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QStringList>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ui/application.h"
#include "ui/main_window.h"

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

}  // namespace

int main(int argc, char** argv) {
  if (!haveDisplay(argc, argv)) {
    std::fprintf(stderr, "whittle: no display; use whittle-cli, or set QT_QPA_PLATFORM=offscreen\n");
    return 2;
  }
  whittle::configure_process(argv);
  whittle::set_threads(0);

  QApplication app(argc, argv);
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Whittle: prune and quantize object detectors."));
  parser.addHelpOption();
  const QCommandLineOption zoo(QStringLiteral("zoo"),
                               QStringLiteral("Open the zoo network <name>."),
                               QStringLiteral("name"));
  const QCommandLineOption lang(QStringLiteral("lang"),
                                QStringLiteral("UI language, e.g. de (default: the system's)."),
                                QStringLiteral("code"));
  parser.addOption(zoo);
  parser.addOption(lang);
  parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("ONNX model to open."),
                               QStringLiteral("[model.onnx]"));
  parser.process(app);

  whittle::ui::initApplication(app, parser.value(lang));
  whittle::ui::MainWindow window;
  window.show();
  const QStringList models = parser.positionalArguments();
  if (!models.isEmpty()) {
    window.openModelFile(models.front());
  } else if (parser.isSet(zoo)) {
    window.openZoo(parser.value(zoo));
  }
  return app.exec();
}
