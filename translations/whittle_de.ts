<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>whittle::ui::LayerTableModel</name>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="96"/>
        <source>%1 (%2)
inputs: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="114"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="115"/>
        <source>Op</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="116"/>
        <source>Output shape</source>
        <translation>Ausgabeform</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="117"/>
        <source>Params</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="118"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="119"/>
        <source>Weights (fp32 bytes)</source>
        <translation>Gewichte (fp32-Bytes)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::MacsChart</name>
    <message>
        <location filename="../ui/macs_chart.cpp" line="25"/>
        <source>MACs (millions)</source>
        <translation>MACs (Millionen)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="90"/>
        <source>Filter layers…</source>
        <translation>Schichten filtern…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="121"/>
        <source>MACs per layer (top %1)</source>
        <translation>MACs pro Schicht (Top %1)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="128"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="129"/>
        <source>&amp;Open Model…</source>
        <translation>Modell &amp;öffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="131"/>
        <source>Open &amp;Zoo Network</source>
        <translation>&amp;Zoo-Netz öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="135"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="139"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="141"/>
        <source>&amp;MACs Chart</source>
        <translation>&amp;MACs-Diagramm</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="144"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="145"/>
        <source>&amp;About Whittle</source>
        <translation>Ü&amp;ber Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="147"/>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="160"/>
        <source>(no networks)</source>
        <translation>(keine Netze)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="175"/>
        <source>Could not open %1.</source>
        <translation>%1 konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="186"/>
        <source>Could not build zoo network %1.</source>
        <translation>Zoo-Netz %1 konnte nicht erstellt werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="195"/>
        <source>Could not analyse %1.</source>
        <translation>%1 konnte nicht analysiert werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="205"/>
        <source>%1 — Whittle</source>
        <translation>%1 — Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="207"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="214"/>
        <source>No model. Open an ONNX file (Ctrl+O), a zoo network, or drop an .onnx file here.</source>
        <translation>Kein Modell. Öffnen Sie eine ONNX-Datei (Strg+O), ein Zoo-Netz, oder ziehen Sie eine .onnx-Datei hierher.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="219"/>
        <source>%1 layers · %2 M params · %3 GMACs · %4 MB weights (fp32)</source>
        <translation>%1 Schichten · %2 Mio. Parameter · %3 GMACs · %4 MB Gewichte (fp32)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="230"/>
        <source>Whittle</source>
        <translation>Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="237"/>
        <source>Open Model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="237"/>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX-Modelle (*.onnx);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="243"/>
        <source>About Whittle</source>
        <translation>Über Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="244"/>
        <source>&lt;h3&gt;Whittle %1&lt;/h3&gt;&lt;p&gt;Makes object detectors smaller and faster: structured filter pruning, fine-tuning and 8-bit quantization, with what was gained and lost side by side.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
