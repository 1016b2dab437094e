#pragma once
// Whittle's main window: a model (ONNX file or zoo network) shown as a layer
// table with its costs, a MACs chart dock and the totals in the status bar.
//
// Every failure comes back to the user as a message box with the core's
// message (or, with setInteractive(false), only through lastError()); a
// failed open leaves the model already shown untouched.
#include <QMainWindow>
#include <QString>
#include <memory>

class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace whittle {
class Graph;
struct GraphCost;
}  // namespace whittle

namespace whittle::ui {

class LayerTableModel;
class MacsChart;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Imports an ONNX model and shows it. False (and the error reported) when
  // the file cannot be read or is not a valid model.
  bool openModelFile(const QString& path);
  // Builds the named zoo network with default options and shows it.
  void openZoo(const QString& name);
  // Shows `graph`, which the caller loaded; `title` names it in the window
  // title. False when its costs cannot be computed (invalid graph).
  bool showGraph(whittle::Graph graph, const QString& title);

  // The model shown, or nullptr.
  const whittle::Graph* graph() const { return graph_.get(); }

  // false: errors go to lastError() only, no message box (tests, scripts).
  void setInteractive(bool interactive) { interactive_ = interactive; }
  bool isInteractive() const { return interactive_; }
  // The last error reported, "" when none since the last successful open.
  QString lastError() const { return lastError_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createCentralWidget();
  void createDocks();
  void createMenus();
  void fillZooMenu(QMenu* menu);
  void chooseModelFile();
  void showAbout();
  void reportError(const QString& what, const QString& detail);
  void updateTotals();
  void restoreSettings();
  void saveSettings() const;

  std::unique_ptr<whittle::Graph> graph_;
  std::unique_ptr<whittle::GraphCost> cost_;
  bool interactive_ = true;
  QString lastError_;
  QString lastDirectory_;

  LayerTableModel* layerModel_ = nullptr;
  QSortFilterProxyModel* layerProxy_ = nullptr;
  QTableView* layerTable_ = nullptr;
  QLineEdit* layerFilter_ = nullptr;
  MacsChart* macsChart_ = nullptr;
  QDockWidget* macsDock_ = nullptr;
  QLabel* totalsLabel_ = nullptr;
};

}  // namespace whittle::ui
