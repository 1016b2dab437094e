<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>PlotExport</name>
    <message>
        <location filename="../ui/plot_export.cpp" line="36"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Grafik (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location filename="../ui/plot_export.cpp" line="44"/>
        <source>No plot to export.</source>
        <translation>Kein Diagramm zum Exportieren.</translation>
    </message>
    <message>
        <location filename="../ui/plot_export.cpp" line="50"/>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../ui/plot_export.cpp" line="59"/>
        <source>Unknown plot format &quot;%1&quot;: use .png, .svg or .pdf.</source>
        <translation>Unbekanntes Diagrammformat „%1“: verwenden Sie .png, .svg oder .pdf.</translation>
    </message>
    <message>
        <location filename="../ui/plot_export.cpp" line="61"/>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>ReportWriter</name>
    <message>
        <location filename="../ui/report_writer.cpp" line="126"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="140"/>
        <location filename="../ui/report_writer.cpp" line="330"/>
        <source>(none)</source>
        <translation>(keine Angabe)</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="175"/>
        <source>The report draws its plots with Qt widgets: it needs a QApplication.</source>
        <translation>Der Bericht zeichnet seine Diagramme mit Qt-Widgets und benötigt dafür eine QApplication.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="180"/>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="189"/>
        <source>project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="193"/>
        <location filename="../ui/report_writer.cpp" line="375"/>
        <source>Whittle report: %1</source>
        <translation>Whittle-Bericht: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/report_writer.cpp" line="194"/>
        <source>Written %1 by Whittle %2 from %3: the original model and %n variant(s).</source>
        <translation>
            <numerusform>Geschrieben am %1 von Whittle %2 aus %3: das Originalmodell und %n Variante.</numerusform>
            <numerusform>Geschrieben am %1 von Whittle %2 aus %3: das Originalmodell und %n Varianten.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="200"/>
        <source>Comparison</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="219"/>
        <source>Each value is followed by its ratio to the original in brackets; — : not measured. mAP (area) is the VOC2010+ area under the precision envelope; when a model was evaluated with VOC07 only it is recomputed from the stored precision–recall curves. ms/image is the model at the precision shown, with the threads stated. Energy per image is an estimate from MACs and memory traffic, not a measurement:</source>
        <translation>Hinter jedem Wert steht in Klammern sein Verhältnis zum Original; — : nicht gemessen. mAP (Fläche) ist die Fläche unter der Precision-Hüllkurve nach VOC2010+; wurde ein Modell nur mit VOC07 evaluiert, wird sie aus den gespeicherten Precision-Recall-Kurven neu berechnet. ms/Bild gilt für das Modell in der angegebenen Genauigkeit mit der angegebenen Zahl an Threads. Die Energie pro Bild ist eine Schätzung aus MACs und Speicherverkehr, keine Messung:</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="228"/>
        <source>Per-class AP</source>
        <translation>AP pro Klasse</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="230"/>
        <source>No model has an evaluation report yet.</source>
        <translation>Noch kein Modell hat einen Evaluationsbericht.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="232"/>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="249"/>
        <source>Plots</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="270"/>
        <source>mAP vs file size</source>
        <translation>mAP vs. Dateigröße</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="271"/>
        <source>mAP vs latency</source>
        <translation>mAP vs. Latenz</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="272"/>
        <source>mAP vs MACs</source>
        <translation>mAP vs. MACs</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="279"/>
        <source>The Pareto front joins the models that no other model beats on both mAP and cost; the star is the original.</source>
        <translation>Die Pareto-Front verbindet die Modelle, die kein anderes Modell zugleich bei mAP und Kosten übertrifft; der Stern ist das Original.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="282"/>
        <source>Original vs compressed</source>
        <translation>Original vs. komprimiert</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="284"/>
        <source>Each measure as a ratio to the original</source>
        <translation>Jede Messgröße als Verhältnis zum Original</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="286"/>
        <source>Precision–recall curves</source>
        <translation>Precision-Recall-Kurven</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="292"/>
        <source>Needs evaluation reports of the original and of a variant.</source>
        <translation>Benötigt Evaluationsberichte des Originals und einer Variante.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="294"/>
        <source>The original against %1, per class.</source>
        <translation>Das Original im Vergleich zu %1, pro Klasse.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="299"/>
        <source>Precision–recall: %1</source>
        <translation>Precision-Recall: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/report_writer.cpp" line="302"/>
        <source>%n more class(es) not drawn.</source>
        <translation>
            <numerusform>%n weitere Klasse nicht gezeichnet.</numerusform>
            <numerusform>%n weitere Klassen nicht gezeichnet.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="305"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/report_writer.cpp" line="313"/>
        <source>%1: %2 criterion, %n image(s), baseline mAP %3.</source>
        <translation>
            <numerusform>%1: Kriterium %2, %n Bild, Ausgangs-mAP %3.</numerusform>
            <numerusform>%1: Kriterium %2, %n Bilder, Ausgangs-mAP %3.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="317"/>
        <source>Sensitivity of %1</source>
        <translation>Sensitivität von %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="322"/>
        <source>No sensitivity scan in the project.</source>
        <translation>Das Projekt enthält keine Sensitivitätsanalyse.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="326"/>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="327"/>
        <source>Project: %1</source>
        <translation>Projekt: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="329"/>
        <source>Original model: %1</source>
        <translation>Originalmodell: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="330"/>
        <source>Data set: %1</source>
        <translation>Datensatz: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="336"/>
        <source>Made from: %1</source>
        <translation>Erzeugt aus: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="336"/>
        <source>the original</source>
        <translation>dem Original</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="337"/>
        <source>Model file: %1</source>
        <translation>Modelldatei: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="338"/>
        <source>Pruning plan: %1</source>
        <translation>Pruning-Plan: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/report_writer.cpp" line="340"/>
        <source>Evaluation: %1 on %n image(s), %2 ms/image</source>
        <translation>
            <numerusform>Evaluation: %1 auf %n Bild, %2 ms/Bild</numerusform>
            <numerusform>Evaluation: %1 auf %n Bildern, %2 ms/Bild</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="348"/>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="348"/>
        <location filename="../ui/report_writer.cpp" line="354"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="354"/>
        <source>Metric (as stored)</source>
        <translation>Metrik (wie gespeichert)</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="359"/>
        <source>Machine</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="360"/>
        <source>CPU: %1</source>
        <translation>CPU: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="360"/>
        <source>Cores: %1</source>
        <translation>Kerne: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="361"/>
        <source>LibTorch: %1 (%2 threads)</source>
        <translation>LibTorch: %1 (%2 Threads)</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="362"/>
        <source>Qt: %1</source>
        <translation>Qt: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="362"/>
        <source>System: %1</source>
        <translation>System: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="363"/>
        <source>Date: %1</source>
        <translation>Datum: %1</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="364"/>
        <source>The machine this report was written on; latency figures are those of the benchmark runs, with the threads stated in the table.</source>
        <translation>Der Rechner, auf dem dieser Bericht geschrieben wurde; die Latenzen stammen aus den Benchmark-Läufen, mit der in der Tabelle angegebenen Zahl an Threads.</translation>
    </message>
    <message>
        <location filename="../ui/report_writer.cpp" line="368"/>
        <source>Notes</source>
        <translation>Anmerkungen</translation>
    </message>
</context>
<context>
    <name>ResultPlots</name>
    <message>
        <location filename="../ui/result_plots.cpp" line="62"/>
        <source>File size (MB)</source>
        <translation>Dateigröße (MB)</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="63"/>
        <source>Latency (ms/image)</source>
        <translation>Latenz (ms/Bild)</translation>
    </message>
    <message>
        <source>GMACs per image</source>
        <translation type="vanished">GMACs pro Bild</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="64"/>
        <source>MACs per image (millions)</source>
        <translation>MACs pro Bild (Millionen)</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="132"/>
        <source>models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="138"/>
        <source>Pareto front</source>
        <translation>Pareto-Front</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="150"/>
        <source>original</source>
        <translation>Original</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="173"/>
        <source>No model has both figures yet (run Evaluate and Benchmark).</source>
        <translation>Noch kein Modell hat beide Werte (führen Sie Evaluieren und Benchmark aus).</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="193"/>
        <source>Ratio to the original (original = 1)</source>
        <translation>Verhältnis zum Original (Original = 1)</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="195"/>
        <source>Nothing to compare yet: the original and a variant need the same measure.</source>
        <translation>Noch nichts zu vergleichen: Original und Variante brauchen dieselbe Messgröße.</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="224"/>
        <source>original = 1</source>
        <translation>Original = 1</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="257"/>
        <source>%1 (AP %2)</source>
        <translation>%1 (AP %2)</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="262"/>
        <source>Recall</source>
        <translation>Recall</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="263"/>
        <source>Precision</source>
        <translation>Precision</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="269"/>
        <source>No precision–recall curve for class %1 (evaluate the models first).</source>
        <translation>Keine Precision-Recall-Kurve für Klasse %1 (evaluieren Sie zuerst die Modelle).</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="297"/>
        <source>baseline %1</source>
        <translation>Ausgangswert %1</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="302"/>
        <source>Ratio of the group&apos;s channels pruned</source>
        <translation>Anteil der geprunten Kanäle der Gruppe</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="303"/>
        <source>mAP (%1)</source>
        <translation>mAP (%1)</translation>
    </message>
    <message>
        <location filename="../ui/result_plots.cpp" line="309"/>
        <source>The sensitivity scan has no groups.</source>
        <translation>Die Sensitivitätsanalyse enthält keine Gruppen.</translation>
    </message>
</context>
<context>
    <name>WorkbenchJobs</name>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="61"/>
        <source>no model given: open or choose a model first</source>
        <translation>kein Modell angegeben: öffnen oder wählen Sie zuerst ein Modell</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="62"/>
        <source>loading %1</source>
        <translation>lade %1</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="69"/>
        <source>the model is not a detector (it has no detection head)</source>
        <translation>das Modell ist kein Detektor (es hat keinen Detektionskopf)</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="73"/>
        <location filename="../ui/workbench_jobs.cpp" line="86"/>
        <source>no data set given: choose a VOC data set folder</source>
        <translation>kein Datensatz angegeben: wählen Sie einen VOC-Datensatzordner</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="79"/>
        <location filename="../ui/workbench_jobs.cpp" line="89"/>
        <source>the data set %1 (set %2) has no images</source>
        <translation>der Datensatz %1 (Teilmenge %2) enthält keine Bilder</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="123"/>
        <source>the layer list &apos;%1&apos; has an empty name</source>
        <translation>die Schichtliste „%1“ enthält einen leeren Namen</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="142"/>
        <source>fine-tune: choose the file for the fine-tuned model</source>
        <translation>Fine-Tuning: wählen Sie die Datei für das nachtrainierte Modell</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="143"/>
        <source>fine-tune: epochs must be at least 1</source>
        <translation>Fine-Tuning: mindestens 1 Epoche</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="147"/>
        <source>fine-tune needs an fp32 model; this one is int8 (fine-tune first, then quantize, or use quantization-aware training)</source>
        <translation>Fine-Tuning braucht ein fp32-Modell; dieses ist int8 (zuerst nachtrainieren, dann quantisieren, oder Quantization-Aware Training verwenden)</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="167"/>
        <location filename="../ui/workbench_jobs.cpp" line="236"/>
        <location filename="../ui/workbench_jobs.cpp" line="305"/>
        <location filename="../ui/workbench_jobs.cpp" line="349"/>
        <source>reading %1</source>
        <translation>lese %1</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="173"/>
        <source>%1 training images, %2 validation images; %3 epochs, batch %4, lr %5</source>
        <translation>%1 Trainingsbilder, %2 Validierungsbilder; %3 Epochen, Batch %4, Lernrate %5</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="189"/>
        <location filename="../ui/workbench_jobs.cpp" line="257"/>
        <location filename="../ui/workbench_jobs.cpp" line="318"/>
        <source>wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="193"/>
        <source>best val mAP %1 at epoch %2; wrote %3</source>
        <translation>bestes Validierungs-mAP %1 in Epoche %2; %3 geschrieben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="197"/>
        <source>loss %1 after %2 epochs; wrote %3</source>
        <translation>Loss %1 nach %2 Epochen; %3 geschrieben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="222"/>
        <source>sensitivity: the batch must be at least 1</source>
        <translation>Sensitivität: die Batchgröße muss mindestens 1 sein</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="259"/>
        <source>baseline mAP %1; %2 groups scanned on %3 images</source>
        <translation>Ausgangs-mAP %1; %2 Gruppen auf %3 Bildern untersucht</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="277"/>
        <source>quantize: choose the file for the int8 model</source>
        <translation>Quantisieren: wählen Sie die Datei für das int8-Modell</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="278"/>
        <source>quantize: calibrate on at least 1 image</source>
        <translation>Quantisieren: auf mindestens 1 Bild kalibrieren</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="291"/>
        <source>quantize: keeping layers in fp32 automatically needs a validation set</source>
        <translation>Quantisieren: Schichten automatisch in fp32 zu belassen braucht einen Validierungsdatensatz</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="321"/>
        <source>int8 mAP %1 (fp32 %2); wrote %3</source>
        <translation>int8-mAP %1 (fp32 %2); %3 geschrieben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="325"/>
        <source>calibrated on %1 images; wrote %2</source>
        <translation>auf %1 Bildern kalibriert; %2 geschrieben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="345"/>
        <source>evaluate: the batch must be at least 1</source>
        <translation>Evaluieren: die Batchgröße muss mindestens 1 sein</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="358"/>
        <source>mAP %1 (%2) on %3 images, %4 ms/image</source>
        <translation>mAP %1 (%2) auf %3 Bildern, %4 ms/Bild</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="382"/>
        <source>benchmark: at least 1 timed run</source>
        <translation>Benchmark: mindestens 1 gemessener Lauf</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="383"/>
        <source>benchmark: warm-up runs must be &gt;= 0</source>
        <translation>Benchmark: die Zahl der Aufwärmläufe muss &gt;= 0 sein</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="385"/>
        <source>benchmark: the image size must be at least 1x1</source>
        <translation>Benchmark: die Bildgröße muss mindestens 1x1 sein</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="388"/>
        <source>benchmark: the model must have one input</source>
        <translation>Benchmark: das Modell muss genau einen Eingang haben</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="393"/>
        <source>calibrating an int8 version on the bench image</source>
        <translation>kalibriere eine int8-Version auf dem Benchmark-Bild</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="401"/>
        <source>fp32 %1 ms/image</source>
        <translation>fp32 %1 ms/Bild</translation>
    </message>
    <message>
        <location filename="../ui/workbench_jobs.cpp" line="403"/>
        <source>, int8 %1 ms/image (%2x)</source>
        <translation>, int8 %1 ms/Bild (%2x)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/workbench_jobs.cpp" line="406"/>
        <source>, %n thread(s)</source>
        <translation>
            <numerusform>, %n Thread</numerusform>
            <numerusform>, %n Threads</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>whittle::ui::DetectionCanvas</name>
    <message>
        <location filename="../ui/detection_canvas.cpp" line="129"/>
        <source>%1 (difficult)</source>
        <translation>%1 (schwierig)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::DetectionCompare</name>
    <message>
        <location filename="../ui/detection_compare.cpp" line="228"/>
        <source>The images of the set; after a comparison each shows matched · only left · only right</source>
        <translation>Die Bilder der Teilmenge; nach einem Vergleich zeigt jedes: übereinstimmend · nur links · nur rechts</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="229"/>
        <location filename="../ui/detection_compare.cpp" line="826"/>
        <source>Rank by disagreement</source>
        <translation>Nach Abweichung ordnen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="231"/>
        <source>Runs both models over every image of the set and puts the images where they disagree most (unmatched detections, then box overlap) at the top</source>
        <translation>Lässt beide Modelle über jedes Bild der Teilmenge laufen und stellt die Bilder, bei denen sie am stärksten abweichen (nicht zugeordnete Detektionen, dann Box-Überlappung), an den Anfang</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="233"/>
        <source>Disagreeing only</source>
        <translation>Nur abweichende</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="235"/>
        <source>Hides images where both models found the same objects</source>
        <translation>Blendet Bilder aus, in denen beide Modelle dieselben Objekte gefunden haben</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="263"/>
        <source>Left:</source>
        <translation>Links:</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="264"/>
        <source>Right:</source>
        <translation>Rechts:</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="265"/>
        <source>The model whose detections are shown on the left (e.g. the original)</source>
        <translation>Das Modell, dessen Detektionen links gezeigt werden (z. B. das Original)</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="266"/>
        <source>The model whose detections are shown on the right (e.g. the compressed variant)</source>
        <translation>Das Modell, dessen Detektionen rechts gezeigt werden (z. B. die komprimierte Variante)</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="281"/>
        <source>Detections scoring below this are hidden and not compared</source>
        <translation>Detektionen mit einem Score darunter werden ausgeblendet und nicht verglichen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="285"/>
        <source>Ground truth</source>
        <translation>Ground Truth</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="287"/>
        <source>Shows the annotated boxes dashed (difficult ones dotted) on both images</source>
        <translation>Zeigt die annotierten Boxen gestrichelt (schwierige gepunktet) auf beiden Bildern</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="291"/>
        <source>Detections of the same class overlapping by IoU &gt;= 0.5 are matched; only left: found by the left model alone (missed on the right); only right: extra detections of the right model</source>
        <translation>Detektionen derselben Klasse mit IoU &gt;= 0,5 gelten als übereinstimmend; nur links: nur vom linken Modell gefunden (rechts verfehlt); nur rechts: zusätzliche Detektionen des rechten Modells</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="299"/>
        <source>Score threshold:</source>
        <translation>Score-Schwelle:</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="346"/>
        <source>Choose a data set and two models to compare</source>
        <translation>Wählen Sie einen Datensatz und zwei Modelle zum Vergleichen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="418"/>
        <source>no data set given: choose a VOC data set folder</source>
        <translation>kein Datensatz angegeben: wählen Sie einen VOC-Datensatzordner</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="422"/>
        <source>the data set %1 (set %2) has no images</source>
        <translation>der Datensatz %1 (Teilmenge %2) enthält keine Bilder</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="435"/>
        <location filename="../ui/detection_compare.cpp" line="439"/>
        <source>The data set could not be read: %1</source>
        <translation>Der Datensatz konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/detection_compare.cpp" line="451"/>
        <source>%n image(s) in set %1 of %2</source>
        <translation>
            <numerusform>%n Bild in Teilmenge %1 von %2</numerusform>
            <numerusform>%n Bilder in Teilmenge %1 von %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="459"/>
        <source>no model named %1</source>
        <translation>kein Modell namens %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="479"/>
        <location filename="../ui/detection_compare.cpp" line="726"/>
        <source>A model could not be loaded: %1</source>
        <translation>Ein Modell konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="485"/>
        <location filename="../ui/detection_compare.cpp" line="486"/>
        <location filename="../ui/detection_compare.cpp" line="536"/>
        <source>The model could not be loaded: %1</source>
        <translation>Das Modell konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="518"/>
        <source>The image could not be read: %1</source>
        <translation>Das Bild konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="522"/>
        <source>Choose a model</source>
        <translation>Wählen Sie ein Modell</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="533"/>
        <source>%1 failed on this image: %2</source>
        <translation>%1 ist bei diesem Bild fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="566"/>
        <source>%1 (%2 of %3)</source>
        <translation>%1 (%2 von %3)</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="640"/>
        <source>agreement: not computed</source>
        <translation>Übereinstimmung: nicht berechnet</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="644"/>
        <location filename="../ui/detection_compare.cpp" line="670"/>
        <source>matched %1 · only left %2 · only right %3</source>
        <translation>übereinstimmend %1 · nur links %2 · nur rechts %3</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="645"/>
        <source> · mean IoU %1</source>
        <translation> · mittlere IoU %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="669"/>
        <source>%1   %2 · %3 · %4</source>
        <translation>%1   %2 · %3 · %4</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="674"/>
        <source>not compared yet</source>
        <translation>noch nicht verglichen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="711"/>
        <source>no job runner</source>
        <translation>kein Job-Runner</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="715"/>
        <source>a ranking is already running</source>
        <translation>eine Sortierung läuft bereits</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="719"/>
        <source>no data set: choose a VOC data set folder first</source>
        <translation>kein Datensatz: wählen Sie zuerst einen VOC-Datensatzordner</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="726"/>
        <source>choose two models first</source>
        <translation>wählen Sie zuerst zwei Modelle</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/detection_compare.cpp" line="738"/>
        <source>%n image(s) compared</source>
        <translation>
            <numerusform>%n Bild verglichen</numerusform>
            <numerusform>%n Bilder verglichen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="773"/>
        <source>Rank by disagreement: %1 vs %2</source>
        <translation>Nach Abweichung ordnen: %1 vs. %2</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="807"/>
        <source>Images ranked by disagreement, most first</source>
        <translation>Bilder nach Abweichung geordnet, stärkste zuerst</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="808"/>
        <source>The ranking finished for another pair of models</source>
        <translation>Die Sortierung wurde für ein anderes Modellpaar abgeschlossen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="812"/>
        <source>Ranking cancelled</source>
        <translation>Sortierung abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="816"/>
        <source>Ranking failed: %1</source>
        <translation>Sortierung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/detection_compare.cpp" line="826"/>
        <source>Cancel ranking</source>
        <translation>Sortierung abbrechen</translation>
    </message>
</context>
<context>
    <name>whittle::ui::FilterHeatmap</name>
    <message>
        <location filename="../ui/filter_heatmap.cpp" line="46"/>
        <source>No layer selected</source>
        <translation>Keine Schicht ausgewählt</translation>
    </message>
    <message>
        <location filename="../ui/filter_heatmap.cpp" line="58"/>
        <source>No channels</source>
        <translation>Keine Kanäle</translation>
    </message>
    <message>
        <location filename="../ui/filter_heatmap.cpp" line="120"/>
        <source>Filter %1: %2</source>
        <translation>Filter %1: %2</translation>
    </message>
    <message>
        <location filename="../ui/filter_heatmap.cpp" line="121"/>
        <source> (%1% of the largest)</source>
        <translation> (%1% des größten)</translation>
    </message>
    <message>
        <location filename="../ui/filter_heatmap.cpp" line="122"/>
        <source>Removed by the plan</source>
        <translation>Vom Plan entfernt</translation>
    </message>
</context>
<context>
    <name>whittle::ui::GraphView</name>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="347"/>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="360"/>
        <source>%1%2 %3</source>
        <translation>%1%2 %3</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="364"/>
        <source>%1 … %2</source>
        <translation>%1 … %2</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="372"/>
        <source>out %1</source>
        <translation>Ausgabe %1</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="373"/>
        <source>%1 params%2%3 MACs</source>
        <translation>%1 Parameter%2%3 MACs</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="382"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/graph_collapse.cpp" line="383"/>
        <source>latency –</source>
        <translation>Latenz –</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="623"/>
        <source>op</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="624"/>
        <source>pruning ratio</source>
        <translation>Pruning-Rate</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="625"/>
        <source>importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="626"/>
        <source>sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="627"/>
        <source>latency share</source>
        <translation>Latenzanteil</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="635"/>
        <source>Colour: %1</source>
        <translation>Farbe: %1</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="637"/>
        <source>  (0 – %1)</source>
        <translation>  (0 – %1)</translation>
    </message>
    <message>
        <location filename="../ui/graph_view.cpp" line="638"/>
        <source>  (no values)</source>
        <translation>  (keine Werte)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::GuidedTour</name>
    <message>
        <location filename="../ui/guided_tour.cpp" line="27"/>
        <source>Guided Tour</source>
        <translation>Geführte Tour</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="31"/>
        <source>Filters: what pruning removes</source>
        <translation>Filter: was das Pruning entfernt</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="32"/>
        <source>A convolution layer is a stack of filters; each filter makes one output channel, a feature map that the next layers read. Pruning removes whole filters, together with the weights of the next layers that read their channels. What is left is a smaller but ordinary dense network, so it runs faster on any hardware. Click a layer in the graph to see its filters.</source>
        <translation>Eine Faltungsschicht ist ein Stapel von Filtern; jeder Filter erzeugt einen Ausgabekanal, eine Merkmalskarte, die die nächsten Schichten lesen. Pruning entfernt ganze Filter, zusammen mit den Gewichten der nächsten Schichten, die ihre Kanäle lesen. Übrig bleibt ein kleineres, aber gewöhnliches dichtes Netz, das deshalb auf jeder Hardware schneller läuft. Klicken Sie im Graphen auf eine Schicht, um ihre Filter zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="37"/>
        <source>How importance is scored</source>
        <translation>Wie die Wichtigkeit bewertet wird</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="38"/>
        <source>Before filters are removed, each one gets a score for how much it matters. L1 is the sum of the absolute values of a filter&apos;s weights: small weights, little effect. Taylor multiplies each activation by its gradient on images of the data set, |activation × gradient|, an estimate of how much the loss would change without the filter. In the heatmap each cell is one filter, brighter is more important, and crossed-out cells are the ones the plan removes; the histogram shows how the scores spread and where the cut-off lies.</source>
        <translation>Bevor Filter entfernt werden, erhält jeder eine Bewertung, wie viel er beiträgt. L1 ist die Summe der Beträge der Gewichte eines Filters: kleine Gewichte, wenig Wirkung. Taylor multipliziert jede Aktivierung mit ihrem Gradienten auf Bildern des Datensatzes, |Aktivierung × Gradient|, eine Schätzung, wie stark sich der Verlust ohne den Filter ändern würde. In der Heatmap ist jede Zelle ein Filter, heller bedeutet wichtiger, und durchgestrichene Zellen sind die, die der Plan entfernt; das Histogramm zeigt, wie sich die Bewertungen verteilen und wo die Schwelle liegt.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="45"/>
        <source>Why adds and concats couple layers</source>
        <translation>Warum Additionen und Concats Schichten koppeln</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="46"/>
        <source>A residual add sums two layers&apos; outputs channel by channel, so channels that are added together must be removed together. A concat lays its inputs&apos; channels side by side, so the layers reading it lose exactly the channels its inputs lose; a depthwise convolution ties its input and output channels the same way. Select a layer and every layer coupled to it lights up in orange; the Inspector lists its channel groups.</source>
        <translation>Eine Residual-Addition summiert die Ausgaben zweier Schichten Kanal für Kanal, daher müssen Kanäle, die addiert werden, gemeinsam entfernt werden. Ein Concat legt die Kanäle seiner Eingänge nebeneinander, daher verlieren die Schichten, die ihn lesen, genau die Kanäle, die seine Eingänge verlieren; eine Depthwise-Faltung bindet ihre Ein- und Ausgabekanäle auf dieselbe Weise. Wählen Sie eine Schicht aus, und jede mit ihr gekoppelte Schicht leuchtet orange auf; der Inspektor listet ihre Kanalgruppen auf.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="51"/>
        <source>Pruning ratios and the totals</source>
        <translation>Pruning-Raten und die Summen</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="52"/>
        <source>Each row is a group of coupled channels: how many it has, the ratio to remove, how many are kept, a lock that keeps its ratio, and the criterion that picks the filters. The totals line compares the plan with the original: parameters, MACs (multiply-accumulates per image), measured latency and file size. MACs fall in proportion to the removed channels, but latency does not: small layers are dominated by memory traffic and overheads and barely get faster. Give a MAC or latency target and Fill lets the planner choose the ratios.</source>
        <translation>Jede Zeile ist eine Gruppe gekoppelter Kanäle: wie viele sie hat, die zu entfernende Rate, wie viele behalten werden, eine Sperre, die ihre Rate festhält, und das Kriterium, das die Filter auswählt. Die Summenzeile vergleicht den Plan mit dem Original: Parameter, MACs (Multiply-Accumulates pro Bild), gemessene Latenz und Dateigröße. Die MACs sinken im Verhältnis zu den entfernten Kanälen, die Latenz jedoch nicht: Kleine Schichten werden von Speicherzugriffen und Verwaltungsaufwand bestimmt und werden kaum schneller. Geben Sie ein MAC- oder Latenzziel vor, und „Ausfüllen“ lässt den Planer die Raten wählen.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="59"/>
        <source>Fine-tuning wins back mAP</source>
        <translation>Fine-Tuning holt mAP zurück</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="60"/>
        <source>Right after pruning the network has lost features it had learned, and its mAP drops. A short fine-tuning run trains the smaller network on the data set again and wins back most of the lost mAP. Start it from the Jobs menu; the loss and mAP curves grow while it runs, and the result becomes a new variant.</source>
        <translation>Direkt nach dem Pruning hat das Netz gelernte Merkmale verloren, und seine mAP sinkt. Ein kurzes Fine-Tuning trainiert das kleinere Netz erneut auf dem Datensatz und holt den größten Teil der verlorenen mAP zurück. Starten Sie es über das Menü „Jobs“; die Verlust- und mAP-Kurven wachsen während des Laufs, und das Ergebnis wird zu einer neuen Variante.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="64"/>
        <source>What int8 costs and gains</source>
        <translation>Was int8 kostet und bringt</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="65"/>
        <source>Quantization stores each weight as an 8-bit integer instead of a 32-bit float: the weights take 4× less space and integer kernels run faster on most CPUs. The price is a small rounding error in every layer, and together these errors can cost some mAP. Layers that turn out to be sensitive, often the detection head, can stay in fp32 while the rest runs in int8.</source>
        <translation>Quantisierung speichert jedes Gewicht als 8-Bit-Ganzzahl statt als 32-Bit-Gleitkommazahl: Die Gewichte brauchen 4× weniger Platz, und Ganzzahl-Kernels laufen auf den meisten CPUs schneller. Der Preis ist ein kleiner Rundungsfehler in jeder Schicht, und zusammen können diese Fehler etwas mAP kosten. Schichten, die sich als empfindlich erweisen, oft der Detektionskopf, können in fp32 bleiben, während der Rest in int8 läuft.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="70"/>
        <source>Comparing the results</source>
        <translation>Die Ergebnisse vergleichen</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="71"/>
        <source>The Results tab puts the original and every variant side by side: mAP, parameters, MACs, file size, time per image and energy, each with its ratio to the original. The plots show mAP against size, latency and MACs; points on the Pareto front are the best trade-offs. Hover over a column header to read what its measure means.</source>
        <translation>Der Reiter „Ergebnisse“ stellt das Original und jede Variante nebeneinander: mAP, Parameter, MACs, Dateigröße, Zeit pro Bild und Energie, jeweils mit dem Verhältnis zum Original. Die Diagramme zeigen die mAP über Größe, Latenz und MACs; Punkte auf der Pareto-Front sind die besten Kompromisse. Fahren Sie mit der Maus über eine Spaltenüberschrift, um zu lesen, was ihr Maß bedeutet.</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="94"/>
        <source>&amp;Don&apos;t show again</source>
        <translation>&amp;Nicht mehr anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="99"/>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="105"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="161"/>
        <source>Step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="165"/>
        <source>&amp;Next</source>
        <translation>&amp;Weiter</translation>
    </message>
    <message>
        <location filename="../ui/guided_tour.cpp" line="165"/>
        <source>&amp;Finish</source>
        <translation>&amp;Fertig</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ImportanceHistogram</name>
    <message>
        <location filename="../ui/importance_histogram.cpp" line="20"/>
        <source>kept</source>
        <translation>behalten</translation>
    </message>
    <message>
        <location filename="../ui/importance_histogram.cpp" line="24"/>
        <source>removed</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <location filename="../ui/importance_histogram.cpp" line="33"/>
        <source>Importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <location filename="../ui/importance_histogram.cpp" line="34"/>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ImportanceOverview</name>
    <message>
        <location filename="../ui/importance_overview.cpp" line="44"/>
        <source>Each row is a prunable layer and each column a tenth of the layer&apos;s largest score; the brighter a cell, the more of the layer&apos;s filters score there, so a layer with many filters on the left has many weak ones to spare.</source>
        <translation>Jede Zeile ist eine prunbare Schicht und jede Spalte ein Zehntel der größten Bewertung der Schicht; je heller eine Zelle, desto mehr Filter der Schicht liegen dort, sodass eine Schicht mit vielen Filtern links viele schwache entbehren kann.</translation>
    </message>
    <message>
        <location filename="../ui/importance_overview.cpp" line="64"/>
        <source>Filters scoring %1-%2% of their layer&apos;s largest score</source>
        <translation>Filter mit %1–%2 % des größten Scores ihrer Schicht</translation>
    </message>
    <message>
        <location filename="../ui/importance_overview.cpp" line="92"/>
        <source>No importance scores</source>
        <translation>Keine Wichtigkeits-Scores</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/importance_overview.cpp" line="122"/>
        <source>%1: %n filter(s)</source>
        <translation>
            <numerusform>%1: %n Filter</numerusform>
            <numerusform>%1: %n Filter</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/importance_overview.cpp" line="129"/>
        <source>%1: %2% of %n filter(s) score %3-%4% of the layer&apos;s largest</source>
        <translation>
            <numerusform>%1: %2 % von %n Filter erreichen %3–%4 % des größten Scores der Schicht</numerusform>
            <numerusform>%1: %2 % von %n Filtern erreichen %3–%4 % des größten Scores der Schicht</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/importance_overview.cpp" line="141"/>
        <source>No prunable layers scored</source>
        <translation>Keine prunbaren Schichten bewertet</translation>
    </message>
    <message>
        <location filename="../ui/importance_overview.cpp" line="142"/>
        <source>%1: share of each layer&apos;s filters per tenth of its largest score (left = weak filters)</source>
        <translation>%1: Anteil der Filter jeder Schicht pro Zehntel ihres größten Scores (links = schwache Filter)</translation>
    </message>
    <message>
        <location filename="../ui/importance_overview.cpp" line="148"/>
        <source>Not scored by %1: %2</source>
        <translation>Nicht bewertet von %1: %2</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ImportancePanel</name>
    <message>
        <location filename="../ui/importance_panel.cpp" line="22"/>
        <source>L1 norm: the sum of the absolute values of a filter&apos;s weights; a small sum means little effect.</source>
        <translation>L1-Norm: die Summe der Beträge der Gewichte eines Filters; eine kleine Summe bedeutet wenig Wirkung.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="25"/>
        <source>L2 norm: the square root of the sum of a filter&apos;s squared weights; like L1, but large weights count more.</source>
        <translation>L2-Norm: die Wurzel aus der Summe der quadrierten Gewichte eines Filters; wie L1, aber große Gewichte zählen mehr.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="28"/>
        <source>BN γ: the batch norm scale after the convolution; a filter whose output is scaled to nearly zero adds little.</source>
        <translation>BN γ: der Skalierungsfaktor der Batch-Norm nach der Faltung; ein Filter, dessen Ausgabe auf fast null skaliert wird, trägt wenig bei.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="31"/>
        <source>FPGM: the distance of a filter from the geometric median of its layer&apos;s filters; filters near the median are redundant, as the others can stand in for them.</source>
        <translation>FPGM: der Abstand eines Filters vom geometrischen Median der Filter seiner Schicht; Filter nahe am Median sind redundant, da die anderen sie ersetzen können.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="34"/>
        <source>Taylor: |activation × gradient| on images, an estimate of how much the loss would change if the filter were removed.</source>
        <translation>Taylor: |Aktivierung × Gradient| auf Bildern, eine Schätzung, wie stark sich der Verlust ändern würde, wenn der Filter entfernt würde.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="37"/>
        <source>APoZ: the share of zeros in a filter&apos;s output after the activation on images; a filter that is mostly zero scores low.</source>
        <translation>APoZ: der Anteil der Nullen in der Ausgabe eines Filters nach der Aktivierung auf Bildern; ein Filter, der meist null ist, wird niedrig bewertet.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="53"/>
        <source>(none)</source>
        <translation>(keines)</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="57"/>
        <source>Scores filters on images of the open data set</source>
        <translation>Bewertet Filter auf Bildern des geöffneten Datensatzes</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="65"/>
        <source>Criterion of the left view</source>
        <translation>Kriterium der linken Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="66"/>
        <source>Criterion of the right view, to compare; (none) shows one view</source>
        <translation>Kriterium der rechten Ansicht zum Vergleich; (keines) zeigt nur eine Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="75"/>
        <source>Criterion:</source>
        <translation>Kriterium:</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="81"/>
        <source>How many of the layer&apos;s filters the pruning plan removes under this criterion, and the score below which they go.</source>
        <translation>Wie viele Filter der Schicht der Pruning-Plan unter diesem Kriterium entfernt, und die Bewertung, unterhalb derer sie wegfallen.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="86"/>
        <source>One cell per filter of the layer, coloured by its score from dark purple (lowest) to yellow (highest); crossed-out cells are the filters the plan removes.</source>
        <translation>Eine Zelle pro Filter der Schicht, gefärbt nach seiner Bewertung von Dunkelviolett (niedrigste) bis Gelb (höchste); durchgestrichene Zellen sind die Filter, die der Plan entfernt.</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="91"/>
        <source>How many filters have each score: red bars are the filters the plan removes, and the dashed line is the cut-off below which filters go.</source>
        <translation>Wie viele Filter welche Bewertung haben: Rote Balken sind die Filter, die der Plan entfernt, und die gestrichelte Linie ist die Schwelle, unterhalb derer Filter wegfallen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/importance_panel.cpp" line="176"/>
        <source> (%n filter(s))</source>
        <translation>
            <numerusform> (%n Filter)</numerusform>
            <numerusform> (%n Filter)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="179"/>
        <location filename="../ui/importance_panel.cpp" line="195"/>
        <source>No layer selected</source>
        <translation>Keine Schicht ausgewählt</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="179"/>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="197"/>
        <source>No %1 scores yet</source>
        <translation>Noch keine %1-Scores</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="200"/>
        <source>%1 does not score layer %2</source>
        <translation>%1 bewertet Schicht %2 nicht</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="201"/>
        <source>%1 cannot score layer %2: %3</source>
        <translation>%1 kann Schicht %2 nicht bewerten: %3</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="216"/>
        <source>%1: no filters removed by the plan</source>
        <translation>%1: der Plan entfernt keine Filter</translation>
    </message>
    <message>
        <location filename="../ui/importance_panel.cpp" line="217"/>
        <source>%1: the plan removes %2 of %3 filters (crossed out; cut-off at %4)</source>
        <translation>%1: der Plan entfernt %2 von %3 Filtern (durchgestrichen; Schwelle bei %4)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ImportanceScores</name>
    <message>
        <location filename="../ui/importance_scores.cpp" line="48"/>
        <source>L1 norm</source>
        <translation>L1-Norm</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="49"/>
        <source>L2 norm</source>
        <translation>L2-Norm</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="50"/>
        <source>BN γ</source>
        <translation>BN-γ</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="51"/>
        <source>FPGM</source>
        <translation>FPGM</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="52"/>
        <source>Taylor</source>
        <translation>Taylor</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="53"/>
        <source>APoZ</source>
        <translation>APoZ</translation>
    </message>
    <message>
        <location filename="../ui/importance_scores.cpp" line="54"/>
        <source>Random</source>
        <translation>Zufall</translation>
    </message>
</context>
<context>
    <name>whittle::ui::JobRunner</name>
    <message numerus="yes">
        <location filename="../ui/job_runner.cpp" line="231"/>
        <source>… %n log line(s) skipped</source>
        <translation>
            <numerusform>… %n Protokollzeile übersprungen</numerusform>
            <numerusform>… %n Protokollzeilen übersprungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/job_runner.cpp" line="252"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../ui/job_runner.cpp" line="256"/>
        <location filename="../ui/job_runner.cpp" line="274"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/job_runner.cpp" line="279"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>whittle::ui::JobsPanel</name>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="23"/>
        <source>No jobs yet: fine-tune, sensitivity scans, quantization, evaluation and benchmarks run here in the background.</source>
        <translation>Noch keine Jobs: Fine-Tuning, Sensitivitätsanalysen, Quantisierung, Evaluation und Benchmarks laufen hier im Hintergrund.</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="27"/>
        <source>Clear finished</source>
        <translation>Beendete entfernen</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="108"/>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="110"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="112"/>
        <source>Stop this job; files saved before stay as they are</source>
        <translation>Diesen Job anhalten; bereits gespeicherte Dateien bleiben unverändert</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="156"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="168"/>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="186"/>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="190"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/jobs_panel.cpp" line="193"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>whittle::ui::LayerTableModel</name>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="96"/>
        <source>%1 (%2)
inputs: %3</source>
        <translation>%1 (%2)
Eingaben: %3</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="114"/>
        <source>The layer&apos;s name in the model.</source>
        <translation>Der Name der Schicht im Modell.</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="115"/>
        <source>The operation the layer performs, such as Conv, Add or Concat.</source>
        <translation>Die Operation, die die Schicht ausführt, etwa Conv, Add oder Concat.</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="116"/>
        <source>The shape of the layer&apos;s output: batch, channels, height and width.</source>
        <translation>Die Form der Ausgabe der Schicht: Batch, Kanäle, Höhe und Breite.</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="117"/>
        <source>Number of weights and biases the layer holds.</source>
        <translation>Anzahl der Gewichte und Biases der Schicht.</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="118"/>
        <source>Multiply-accumulate operations the layer performs for one image.</source>
        <translation>Multiply-Accumulate-Operationen, die die Schicht für ein Bild ausführt.</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="119"/>
        <source>Bytes the layer&apos;s weights take as 32-bit floats (4 bytes per parameter).</source>
        <translation>Bytes, die die Gewichte der Schicht als 32-Bit-Gleitkommazahlen belegen (4 Byte pro Parameter).</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="125"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="126"/>
        <source>Op</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="127"/>
        <source>Output shape</source>
        <translation>Ausgabeform</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="128"/>
        <source>Params</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="129"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../ui/layer_table_model.cpp" line="130"/>
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
        <location filename="../ui/main_window.cpp" line="166"/>
        <source>Filter layers…</source>
        <translation>Schichten filtern…</translation>
    </message>
    <message>
        <source>MACs per layer (top %1)</source>
        <translation type="vanished">MACs pro Schicht (Top %1)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="256"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="257"/>
        <source>&amp;Open Model…</source>
        <translation>Modell &amp;öffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="259"/>
        <source>Open &amp;Zoo Network</source>
        <translation>&amp;Zoo-Netz öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="268"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="272"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;MACs Chart</source>
        <translation type="vanished">&amp;MACs-Diagramm</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="119"/>
        <source>Find layer… (Ctrl+F)</source>
        <translation>Schicht suchen… (Strg+F)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="123"/>
        <source>%n layer(s) match</source>
        <translation>
            <numerusform>%n Schicht passt</numerusform>
            <numerusform>%n Schichten passen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="138"/>
        <source>Model &amp;Graph</source>
        <translation>Modell&amp;graph</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="139"/>
        <source>&amp;Results</source>
        <translation>&amp;Ergebnisse</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="142"/>
        <source>&amp;Detections</source>
        <translation>&amp;Detektionen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="215"/>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="216"/>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="226"/>
        <source>Pruning Ratios</source>
        <translation>Pruning-Raten</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="228"/>
        <source>Variants</source>
        <translation>Varianten</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="232"/>
        <source>Inspector</source>
        <translation>Inspektor</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="234"/>
        <source>Filter Importance</source>
        <translation>Filter-Wichtigkeit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="236"/>
        <source>MACs per Layer (top %1)</source>
        <translation>MACs pro Schicht (Top %1)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="241"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="243"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="245"/>
        <source>Training Curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="265"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="273"/>
        <source>&amp;Fit Graph</source>
        <translation>Graph &amp;einpassen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="275"/>
        <source>Zoom &amp;In</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="277"/>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="279"/>
        <source>Find &amp;Layer</source>
        <translation>&amp;Schicht suchen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="284"/>
        <source>&amp;Collapse Repeated Blocks</source>
        <translation>Wiederholte Blöcke &amp;zusammenfassen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="288"/>
        <source>Colour Layers &amp;By</source>
        <translation>Schichten &amp;färben nach</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="290"/>
        <source>Op</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="291"/>
        <source>Pruning Ratio</source>
        <translation>Pruning-Rate</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="292"/>
        <source>Importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="293"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="294"/>
        <source>Latency Share</source>
        <translation>Latenzanteil</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="304"/>
        <source>&amp;Reset Layout</source>
        <translation>Layout &amp;zurücksetzen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="308"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="309"/>
        <source>Guided &amp;Tour</source>
        <translation>Geführte &amp;Tour</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="310"/>
        <source>&amp;About Whittle</source>
        <translation>Ü&amp;ber Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="312"/>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="338"/>
        <source>(no networks)</source>
        <translation>(keine Netze)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="347"/>
        <source>Could not open %1.</source>
        <translation>%1 konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="361"/>
        <source>Could not build zoo network %1.</source>
        <translation>Zoo-Netz %1 konnte nicht erstellt werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="372"/>
        <source>Could not analyse %1.</source>
        <translation>%1 konnte nicht analysiert werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="394"/>
        <source>No L1 importance: %1</source>
        <translation>Keine L1-Wichtigkeit: %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="396"/>
        <source>%1 — Whittle</source>
        <translation>%1 — Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="398"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="427"/>
        <source>Could not score filters with %1.</source>
        <translation>Filter konnten nicht mit %1 bewertet werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="478"/>
        <source>No model. Open an ONNX file (Ctrl+O), a zoo network, a project, or drop a file here.</source>
        <translation>Kein Modell. Öffnen Sie eine ONNX-Datei (Strg+O), ein Zoo-Netz oder ein Projekt, oder ziehen Sie eine Datei hierher.</translation>
    </message>
    <message>
        <source>No model. Open an ONNX file (Ctrl+O), a zoo network, or drop an .onnx file here.</source>
        <translation type="vanished">Kein Modell. Öffnen Sie eine ONNX-Datei (Strg+O), ein Zoo-Netz, oder ziehen Sie eine .onnx-Datei hierher.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="483"/>
        <source>%1 layers · %2 M params · %3 GMACs · %4 MB weights (fp32)</source>
        <translation>%1 Schichten · %2 Mio. Parameter · %3 GMACs · %4 MB Gewichte (fp32)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="490"/>
        <source> → plan: %1 M params · %2 GMACs</source>
        <translation> → Plan: %1 Mio. Parameter · %2 GMACs</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="501"/>
        <source>Whittle</source>
        <translation>Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="508"/>
        <source>Open Model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="508"/>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX-Modelle (*.onnx);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="526"/>
        <source>About Whittle</source>
        <translation>Über Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="527"/>
        <source>&lt;h3&gt;Whittle %1&lt;/h3&gt;&lt;p&gt;Makes object detectors smaller and faster: structured filter pruning, fine-tuning and 8-bit quantization, with what was gained and lost side by side.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Whittle %1&lt;/h3&gt;&lt;p&gt;Macht Objektdetektoren kleiner und schneller: strukturiertes Filter-Pruning, Fine-Tuning und 8-Bit-Quantisierung, mit Gewinn und Verlust im direkten Vergleich.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="54"/>
        <source>&amp;Jobs</source>
        <translation>&amp;Jobs</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="56"/>
        <source>&amp;Fine-tune…</source>
        <translation>&amp;Fine-Tuning…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="58"/>
        <source>&amp;Evaluate mAP</source>
        <translation>mAP &amp;evaluieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="60"/>
        <source>&amp;Quantize to int8…</source>
        <translation>Nach int8 &amp;quantisieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="62"/>
        <source>Quantize</source>
        <translation>Quantisieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="63"/>
        <source>Calibration images:</source>
        <translation>Kalibrierungsbilder:</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="67"/>
        <source>&amp;Sensitivity Analysis…</source>
        <translation>&amp;Sensitivitätsanalyse…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="69"/>
        <source>Sensitivity Analysis</source>
        <translation>Sensitivitätsanalyse</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="70"/>
        <source>Validation images:</source>
        <translation>Validierungsbilder:</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="74"/>
        <source>&amp;Benchmark</source>
        <translation>&amp;Benchmark</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="76"/>
        <source>Measure Layer &amp;Latency</source>
        <translation>Schicht-&amp;Latenz messen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="79"/>
        <source>&amp;Cancel All Jobs</source>
        <translation>&amp;Alle Jobs abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="84"/>
        <source>Job %1 failed.</source>
        <translation>Job %1 ist fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="88"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="94"/>
        <source>%1 needs a model.</source>
        <translation>%1 benötigt ein Modell.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="94"/>
        <location filename="../ui/main_window_jobs.cpp" line="256"/>
        <location filename="../ui/main_window_jobs.cpp" line="275"/>
        <source>Open a model or a project first.</source>
        <translation>Öffnen Sie zuerst ein Modell oder ein Projekt.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="99"/>
        <source>%1 needs a data set.</source>
        <translation>%1 benötigt einen Datensatz.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="100"/>
        <source>Choose a VOC data set with File → Open Data Set (Ctrl+D).</source>
        <translation>Wählen Sie einen VOC-Datensatz mit Datei → Datensatz öffnen (Strg+D).</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="104"/>
        <source>%1 needs the model saved as a file.</source>
        <translation>%1 benötigt das Modell als gespeicherte Datei.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="138"/>
        <location filename="../ui/main_window_jobs.cpp" line="140"/>
        <source>Fine-tune</source>
        <translation>Fine-Tuning</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="138"/>
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="140"/>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="147"/>
        <source>Fine-tuning</source>
        <translation>Fine-Tuning</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_jobs.cpp" line="158"/>
        <source>Fine-tune %1 (%n epoch(s))</source>
        <translation>
            <numerusform>Fine-Tuning von %1 (%n Epoche)</numerusform>
            <numerusform>Fine-Tuning von %1 (%n Epochen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="177"/>
        <source>Evaluation</source>
        <translation>Evaluation</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="185"/>
        <source>Evaluate %1</source>
        <translation>%1 evaluieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="195"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="203"/>
        <source>Quantize %1</source>
        <translation>%1 quantisieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="219"/>
        <source>Sensitivity analysis</source>
        <translation>Sensitivitätsanalyse</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="227"/>
        <source>Sensitivity of %1</source>
        <translation>Sensitivität von %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="256"/>
        <source>Benchmarking needs a model file.</source>
        <translation>Der Benchmark benötigt eine Modelldatei.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="264"/>
        <source>Benchmark %1</source>
        <translation>Benchmark von %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="275"/>
        <source>Measuring latency needs a model.</source>
        <translation>Die Latenzmessung benötigt ein Modell.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="282"/>
        <source>Layer latency of %1</source>
        <translation>Schichtlatenz von %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="303"/>
        <source>Scoring filters with %1</source>
        <translation>Filter werden mit %1 bewertet</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="308"/>
        <source>%1 importance of %2</source>
        <translation>%1-Wichtigkeit von %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window_jobs.cpp" line="328"/>
        <source>Jobs are running</source>
        <translation>Jobs laufen</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_jobs.cpp" line="329"/>
        <source>%n job(s) still running. Cancel them and quit? Files saved so far are kept.</source>
        <translation>
            <numerusform>%n Job läuft noch. Abbrechen und beenden? Bisher gespeicherte Dateien bleiben erhalten.</numerusform>
            <numerusform>%n Jobs laufen noch. Abbrechen und beenden? Bisher gespeicherte Dateien bleiben erhalten.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="46"/>
        <source>&amp;New Project…</source>
        <translation>&amp;Neues Projekt…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="48"/>
        <source>Open &amp;Project…</source>
        <translation>&amp;Projekt öffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="50"/>
        <source>&amp;Recent Projects</source>
        <translation>&amp;Zuletzt verwendete Projekte</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="52"/>
        <source>&amp;Save Project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="55"/>
        <source>Open &amp;Data Set…</source>
        <translation>&amp;Datensatz öffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="86"/>
        <source>%1 needs a project.</source>
        <translation>%1 benötigt ein Projekt.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="87"/>
        <source>Create one with File → New Project (Ctrl+N) or open one.</source>
        <translation>Legen Sie eines mit Datei → Neues Projekt (Strg+N) an oder öffnen Sie eines.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="97"/>
        <source>Open a model before creating a project.</source>
        <translation>Öffnen Sie ein Modell, bevor Sie ein Projekt anlegen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="115"/>
        <source>Could not create project %1.</source>
        <translation>Projekt %1 konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="130"/>
        <source>Could not open project %1.</source>
        <translation>Projekt %1 konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="155"/>
        <source>Saving</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="164"/>
        <source>Could not save project %1.</source>
        <translation>Projekt %1 konnte nicht gespeichert werden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="167"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="174"/>
        <source>No data set at %1.</source>
        <translation>Kein Datensatz unter %1.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="174"/>
        <source>Choose a VOC folder (with ImageSets/) or a VOCdevkit.</source>
        <translation>Wählen Sie einen VOC-Ordner (mit ImageSets/) oder ein VOCdevkit.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="196"/>
        <source>%1 — %2 — Whittle</source>
        <translation>%1 — %2 — Whittle</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="206"/>
        <source>data: %1</source>
        <translation>Daten: %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="222"/>
        <source>project: %1 · variant: %2 · data: %3</source>
        <translation>Projekt: %1 · Variante: %2 · Daten: %3</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="212"/>
        <location filename="../ui/main_window_project.cpp" line="224"/>
        <source>original</source>
        <translation>Original</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="225"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="264"/>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="267"/>
        <source>The plan removes no channels.</source>
        <translation>Der Plan entfernt keine Kanäle.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="267"/>
        <source>Set a ratio above 0 for some layers first.</source>
        <translation>Setzen Sie zuerst für einige Schichten eine Rate über 0.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="285"/>
        <source>Could not prune %1.</source>
        <translation>Pruning von %1 fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="294"/>
        <source>Added variant %1</source>
        <translation>Variante %1 hinzugefügt</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="299"/>
        <source>New Project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="300"/>
        <source>Whittle projects (*.whittle)</source>
        <translation>Whittle-Projekte (*.whittle)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="306"/>
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="307"/>
        <source>Whittle projects (*.whittle);;All files (*)</source>
        <translation>Whittle-Projekte (*.whittle);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_project.cpp" line="312"/>
        <source>Open VOC Data Set</source>
        <translation>VOC-Datensatz öffnen</translation>
    </message>
</context>
<context>
    <name>whittle::ui::NodeInspector</name>
    <message>
        <location filename="../ui/node_inspector.cpp" line="28"/>
        <source>filters (output channels)</source>
        <translation>Filter (Ausgabekanäle)</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="29"/>
        <source>depthwise filters</source>
        <translation>Depthwise-Filter</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="30"/>
        <source>normalization</source>
        <translation>Normalisierung</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="31"/>
        <source>convolution input</source>
        <translation>Faltungseingang</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="32"/>
        <source>linear layer input</source>
        <translation>Eingang der linearen Schicht</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="33"/>
        <source>passed through</source>
        <translation>durchgereicht</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="76"/>
        <source>&lt;p&gt;&lt;i&gt;No model.&lt;/i&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;i&gt;Kein Modell.&lt;/i&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="77"/>
        <source>&lt;p&gt;&lt;i&gt;Select a layer in the graph or the table.&lt;/i&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;i&gt;Wählen Sie eine Schicht im Graphen oder in der Tabelle.&lt;/i&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="96"/>
        <source>Op</source>
        <translation>Operation</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="104"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="109"/>
        <source>&lt;i&gt;graph output&lt;/i&gt;</source>
        <translation>&lt;i&gt;Graph-Ausgabe&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="110"/>
        <source>Consumers</source>
        <translation>Nachfolger</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="110"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="113"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="114"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="115"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="117"/>
        <source>Share of MACs</source>
        <translation>Anteil an den MACs</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="123"/>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="128"/>
        <source>Weight %1</source>
        <translation>Gewicht %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/node_inspector.cpp" line="143"/>
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%n Kanal</numerusform>
            <numerusform>%n Kanäle</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="144"/>
        <source>prunable</source>
        <translation>prunbar</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="145"/>
        <source>not prunable: %1</source>
        <translation>nicht prunbar: %1</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="146"/>
        <source>here as: %1</source>
        <translation>hier als: %1</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="156"/>
        <source>coupled with: %1</source>
        <translation>gekoppelt mit: %1</translation>
    </message>
    <message>
        <location filename="../ui/node_inspector.cpp" line="161"/>
        <source>Channel groups</source>
        <translation>Kanalgruppen</translation>
    </message>
</context>
<context>
    <name>whittle::ui::RatioEditor</name>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="171"/>
        <source>Global ratio:</source>
        <translation>Globale Rate:</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="175"/>
        <source>The same ratio for every unlocked group</source>
        <translation>Dieselbe Rate für jede nicht gesperrte Gruppe</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="187"/>
        <source>Target:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="190"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="191"/>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="192"/>
        <source>What the target limits: MACs (arithmetic per image) or latency measured per layer, which small layers do not lose in proportion to their channels</source>
        <translation>Was das Ziel begrenzt: MACs (Rechenarbeit pro Bild) oder die pro Schicht gemessene Latenz, die kleine Schichten nicht im Verhältnis zu ihren Kanälen verlieren</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="200"/>
        <source>× </source>
        <translation>× </translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="201"/>
        <source>A fraction of the original model&apos;s cost</source>
        <translation>Ein Bruchteil der Kosten des Originalmodells</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="202"/>
        <source>Fill</source>
        <translation>Ausfüllen</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="204"/>
        <source>Fill the unlocked rows&apos; ratios from the planner so the cost reaches the target</source>
        <translation>Die Raten der nicht gesperrten Zeilen vom Planer füllen lassen, sodass die Kosten das Ziel erreichen</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="216"/>
        <source>Round to:</source>
        <translation>Runden auf:</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="220"/>
        <source>Kept channels rounded to a multiple of this (the CLI&apos;s --round)</source>
        <translation>Behaltene Kanäle werden auf ein Vielfaches davon gerundet (--round der CLI)</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="253"/>
        <source>The original → the plan for params, MACs (multiply-accumulates per image), latency from the measured layer table and the file size at fp32 and int8, with the share kept; latency falls less than MACs, as small layers do not get faster in proportion.</source>
        <translation>Das Original → der Plan für Parameter, MACs (Multiply-Accumulates pro Bild), die Latenz aus der gemessenen Schichttabelle und die Dateigröße in fp32 und int8, mit dem behaltenen Anteil; die Latenz sinkt weniger als die MACs, da kleine Schichten nicht im gleichen Maß schneller werden.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="266"/>
        <source>Load Plan…</source>
        <translation>Plan laden…</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="268"/>
        <source>Save Plan…</source>
        <translation>Plan speichern…</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="270"/>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="272"/>
        <source>Prune the model with this plan and add the result as a variant</source>
        <translation>Das Modell mit diesem Plan prunen und das Ergebnis als Variante hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="305"/>
        <source>Could not prepare the pruning plan: %1</source>
        <translation>Der Pruning-Plan konnte nicht vorbereitet werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="354"/>
        <source>Scores ignored for %1: unknown or not prunable groups, or a wrong channel count.</source>
        <translation>Scores für %1 ignoriert: unbekannte oder nicht prunbare Gruppen oder falsche Kanalzahl.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="370"/>
        <source>The latency table does not fit this model: %1</source>
        <translation>Die Latenztabelle passt nicht zu diesem Modell: %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="474"/>
        <source>A latency target needs a latency table: measure one first.</source>
        <translation>Ein Latenzziel braucht eine Latenztabelle: messen Sie zuerst eine.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="525"/>
        <source>Could not fill the table: %1</source>
        <translation>Die Tabelle konnte nicht gefüllt werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="619"/>
        <source>Could not load the plan: %1</source>
        <translation>Der Plan konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="640"/>
        <source>No model.</source>
        <translation>Kein Modell.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="648"/>
        <source>%1 → %2 %3 (%4%)</source>
        <translation>%1 → %2 %3 (%4 %)</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="653"/>
        <source>Params %1</source>
        <translation>Parameter %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="653"/>
        <source>M</source>
        <translation>Mio.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="654"/>
        <source>MACs %1</source>
        <translation>MACs %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="654"/>
        <source>G</source>
        <translation>G</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="656"/>
        <source>Latency %1</source>
        <translation>Latenz %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="656"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="658"/>
        <source>Latency — (no table)</source>
        <translation>Latenz — (keine Tabelle)</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="659"/>
        <source>File fp32 %1</source>
        <translation>Datei fp32 %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="659"/>
        <location filename="../ui/ratio_editor.cpp" line="660"/>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="660"/>
        <source>int8 %1</source>
        <translation>int8 %1</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="675"/>
        <source>Needs a latency table</source>
        <translation>Benötigt eine Latenztabelle</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="687"/>
        <source>Load Pruning Plan</source>
        <translation>Pruning-Plan laden</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="688"/>
        <location filename="../ui/ratio_editor.cpp" line="695"/>
        <source>Pruning plans (*.json);;All files (*)</source>
        <translation>Pruning-Pläne (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="694"/>
        <source>Save Pruning Plan</source>
        <translation>Pruning-Plan speichern</translation>
    </message>
    <message>
        <location filename="../ui/ratio_editor.cpp" line="699"/>
        <source>Could not save the plan: %1</source>
        <translation>Der Plan konnte nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>whittle::ui::RatioTableModel</name>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="59"/>
        <source>%1 (−%2)</source>
        <translation>%1 (−%2)</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="60"/>
        <source>plan file</source>
        <translation>Plandatei</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="85"/>
        <location filename="../ui/ratio_table_model.cpp" line="127"/>
        <source>Locked rows keep their ratio when the global ratio or a target changes.</source>
        <translation>Gesperrte Zeilen behalten ihre Rate, wenn sich die globale Rate oder ein Ziel ändert.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="87"/>
        <source>The channels listed in the loaded plan file; edit the ratio to choose them by importance.</source>
        <translation>Die in der geladenen Plandatei aufgeführten Kanäle; ändern Sie die Rate, um sie nach Wichtigkeit zu wählen.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="88"/>
        <location filename="../ui/ratio_table_model.cpp" line="128"/>
        <source>The importance criterion that chooses which channels the ratio removes.</source>
        <translation>Das Wichtigkeitskriterium, das bestimmt, welche Kanäle die Rate entfernt.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="123"/>
        <source>A group of coupled channels: layers joined by an add, a concat or a depthwise convolution lose the same channels.</source>
        <translation>Eine Gruppe gekoppelter Kanäle: Schichten, die durch eine Addition, einen Concat oder eine Depthwise-Faltung verbunden sind, verlieren dieselben Kanäle.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="124"/>
        <source>The number of channels (filters) the group has in the original model.</source>
        <translation>Die Anzahl der Kanäle (Filter) der Gruppe im Originalmodell.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="125"/>
        <source>The fraction of the group&apos;s channels to remove, from 0 (keep all) upwards.</source>
        <translation>Der Anteil der Kanäle der Gruppe, der entfernt wird, ab 0 (alle behalten).</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="126"/>
        <source>The channels left after pruning, with the number removed in brackets.</source>
        <translation>Die nach dem Pruning verbleibenden Kanäle, mit der Anzahl der entfernten in Klammern.</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="134"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="135"/>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="136"/>
        <source>Ratio</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="137"/>
        <source>Kept</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="138"/>
        <source>Lock</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <location filename="../ui/ratio_table_model.cpp" line="139"/>
        <source>Criterion</source>
        <translation>Kriterium</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ResultsDashboard</name>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="52"/>
        <source>mAP vs Size</source>
        <translation>mAP vs. Größe</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="53"/>
        <source>mAP vs Latency</source>
        <translation>mAP vs. Latenz</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="54"/>
        <source>mAP vs MACs</source>
        <translation>mAP vs. MACs</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="55"/>
        <source>Original vs Compressed</source>
        <translation>Original vs. komprimiert</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="56"/>
        <source>Precision–Recall</source>
        <translation>Precision-Recall</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="57"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="71"/>
        <source>Export Plot…</source>
        <translation>Diagramm exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="73"/>
        <source>Save the plot shown as PNG, SVG or PDF.</source>
        <translation>Das angezeigte Diagramm als PNG, SVG oder PDF speichern.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="74"/>
        <source>Export All…</source>
        <translation>Alle exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="76"/>
        <source>Save every plot as PNG, SVG and PDF into a folder.</source>
        <translation>Jedes Diagramm als PNG, SVG und PDF in einen Ordner speichern.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="90"/>
        <source>Each measure with its ratio to the original in brackets; — : not measured yet.</source>
        <translation>Jede Messgröße mit ihrem Verhältnis zum Original in Klammern; — : noch nicht gemessen.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="106"/>
        <source>Models:</source>
        <translation>Modelle:</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="108"/>
        <source>vs</source>
        <translation>vs.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="111"/>
        <source>Class:</source>
        <translation>Klasse:</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="120"/>
        <source>Scan of:</source>
        <translation>Analyse von:</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="133"/>
        <source>Accuracy against storage: the Pareto front joins the models no other model beats on both.</source>
        <translation>Genauigkeit über Speicherbedarf: die Pareto-Front verbindet die Modelle, die kein anderes Modell in beidem übertrifft.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="134"/>
        <source>Accuracy against time per image, each model at its own precision.</source>
        <translation>Genauigkeit über Zeit pro Bild, jedes Modell in seiner eigenen Zahlendarstellung.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="135"/>
        <source>Accuracy against multiply-accumulates per image.</source>
        <translation>Genauigkeit über Multiply-Accumulate-Operationen pro Bild.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="136"/>
        <source>Every measure as a ratio to the original model (original = 1).</source>
        <translation>Jede Messgröße als Verhältnis zum Originalmodell (Original = 1).</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="137"/>
        <source>Precision against recall of one class, two models overlaid.</source>
        <translation>Precision über Recall einer Klasse, zwei Modelle überlagert.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="138"/>
        <source>How much mAP each layer group loses when it alone is pruned.</source>
        <translation>Wie viel mAP jede Schichtgruppe verliert, wenn nur sie geprunt wird.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="162"/>
        <source>No project open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/results_dashboard.cpp" line="171"/>
        <source>%n variant(s) of the original model.</source>
        <translation>
            <numerusform>%n Variante des Originalmodells.</numerusform>
            <numerusform>%n Varianten des Originalmodells.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/results_dashboard.cpp" line="172"/>
        <source>%1: %n variant(s) of the original model.</source>
        <translation>
            <numerusform>%1: %n Variante des Originalmodells.</numerusform>
            <numerusform>%1: %n Varianten des Originalmodells.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="228"/>
        <source>Evaluate models to see their precision–recall curves.</source>
        <translation>Evaluieren Sie Modelle, um ihre Precision-Recall-Kurven zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="242"/>
        <source>No sensitivity scan in the project (Jobs → Sensitivity Analysis).</source>
        <translation>Das Projekt enthält keine Sensitivitätsanalyse (Jobs → Sensitivitätsanalyse).</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/results_dashboard.cpp" line="250"/>
        <source>%1 criterion, %n image(s), baseline mAP %2</source>
        <translation>
            <numerusform>Kriterium %1, %n Bild, Ausgangs-mAP %2</numerusform>
            <numerusform>Kriterium %1, %n Bilder, Ausgangs-mAP %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="257"/>
        <source>Cannot read %1.</source>
        <translation>%1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="264"/>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="285"/>
        <location filename="../ui/results_dashboard.cpp" line="290"/>
        <source>Export Plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="294"/>
        <source>Export All Plots To</source>
        <translation>Alle Diagramme exportieren nach</translation>
    </message>
    <message>
        <location filename="../ui/results_dashboard.cpp" line="297"/>
        <source>Export All</source>
        <translation>Alle exportieren</translation>
    </message>
</context>
<context>
    <name>whittle::ui::ResultsTableModel</name>
    <message>
        <location filename="../ui/results_table_model.cpp" line="66"/>
        <source>no such file</source>
        <translation>Datei nicht vorhanden</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="176"/>
        <source>mAP (VOC07)</source>
        <translation>mAP (VOC07)</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="177"/>
        <source>mAP (area)</source>
        <translation>mAP (Fläche)</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="178"/>
        <source>Params (M)</source>
        <translation>Parameter (Mio.)</translation>
    </message>
    <message>
        <source>GMACs</source>
        <translation type="vanished">GMACs</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="179"/>
        <source>MMACs</source>
        <translation>MMACs</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="180"/>
        <source>File (MB)</source>
        <translation>Datei (MB)</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="181"/>
        <source>ms/image fp32</source>
        <translation>ms/Bild fp32</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="182"/>
        <source>ms/image int8</source>
        <translation>ms/Bild int8</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="183"/>
        <source>Energy (mJ/image)</source>
        <translation>Energie (mJ/Bild)</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="191"/>
        <source>Mean average precision as the VOC2007 devkit computes it: each class&apos;s precision interpolated at 11 recall points (0, 0.1, …, 1) and averaged, then the mean over the classes.</source>
        <translation>Mittlere durchschnittliche Präzision, wie das VOC2007-Devkit sie berechnet: die Präzision jeder Klasse an 11 Recall-Punkten (0, 0,1, …, 1) interpoliert und gemittelt, dann der Mittelwert über die Klassen.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="195"/>
        <source>Mean average precision as the area under each class&apos;s precision–recall curve (VOC2010 and later), averaged over the classes.</source>
        <translation>Mittlere durchschnittliche Präzision als Fläche unter der Precision-Recall-Kurve jeder Klasse (ab VOC2010), gemittelt über die Klassen.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="198"/>
        <source>Number of weights and biases in the model, in millions.</source>
        <translation>Anzahl der Gewichte und Biases im Modell, in Millionen.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="200"/>
        <source>Multiply-accumulate operations for one image, in millions: the model&apos;s arithmetic work.</source>
        <translation>Multiply-Accumulate-Operationen für ein Bild, in Millionen: die Rechenarbeit des Modells.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="202"/>
        <source>Size of the model file on disk, in megabytes.</source>
        <translation>Größe der Modelldatei auf dem Datenträger, in Megabyte.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="204"/>
        <source>Measured time to run one image with 32-bit float weights, in milliseconds, with the threads given in the Threads column.</source>
        <translation>Gemessene Zeit, um ein Bild mit 32-Bit-Gleitkomma-Gewichten zu verarbeiten, in Millisekunden, mit den Threads aus der Spalte „Threads“.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="207"/>
        <source>Measured time to run one image with 8-bit integer weights and activations, in milliseconds, with the threads given in the Threads column.</source>
        <translation>Gemessene Zeit, um ein Bild mit 8-Bit-Ganzzahl-Gewichten und -Aktivierungen zu verarbeiten, in Millisekunden, mit den Threads aus der Spalte „Threads“.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="210"/>
        <source>Estimated energy for one image, in millijoules, from its MACs and memory traffic with the energy per operation of a 45 nm chip.</source>
        <translation>Geschätzte Energie für ein Bild, in Millijoule, aus seinen MACs und Speicherzugriffen mit der Energie pro Operation eines 45-nm-Chips.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="343"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="344"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="345"/>
        <source>Precision</source>
        <translation>Zahlenformat</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="347"/>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="348"/>
        <source>AP %1</source>
        <translation>AP %1</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="401"/>
        <source>made from %1</source>
        <translation>erzeugt aus %1</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="408"/>
        <source>Time per image at int8; the ratio is to the original&apos;s int8 time, or to its fp32 time when it has none.</source>
        <translation>Zeit pro Bild in int8; das Verhältnis bezieht sich auf die int8-Zeit des Originals oder, wenn es keine hat, auf seine fp32-Zeit.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="411"/>
        <source>Estimated from MACs and memory traffic (45 nm energies per operation), at the model&apos;s precision.</source>
        <translation>Geschätzt aus MACs und Speicherverkehr (Energie pro Operation bei 45 nm), in der Zahlendarstellung des Modells.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="436"/>
        <source>The original model and each variant made from it.</source>
        <translation>Das Originalmodell und jede daraus erstellte Variante.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="437"/>
        <source>How the variant was made: pruned, fine-tuned, quantized or exported.</source>
        <translation>Wie die Variante entstand: geprunt, nachtrainiert, quantisiert oder exportiert.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="438"/>
        <source>The number format of the weights: 32-bit float (fp32) or 8-bit integer (int8).</source>
        <translation>Das Zahlenformat der Gewichte: 32-Bit-Gleitkomma (fp32) oder 8-Bit-Ganzzahl (int8).</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="439"/>
        <source>The number of CPU threads the times per image were measured with.</source>
        <translation>Die Anzahl der CPU-Threads, mit denen die Zeiten pro Bild gemessen wurden.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="441"/>
        <source>Average precision of the class %1 alone, from the model&apos;s evaluation report.</source>
        <translation>Durchschnittliche Präzision allein der Klasse %1, aus dem Evaluationsbericht des Modells.</translation>
    </message>
    <message>
        <location filename="../ui/results_table_model.cpp" line="443"/>
        <source>Value (ratio to the original)</source>
        <translation>Wert (Verhältnis zum Original)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="15"/>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="19"/>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="23"/>
        <source>The language of menus, labels and messages</source>
        <translation>Die Sprache von Menüs, Beschriftungen und Meldungen</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="25"/>
        <source>The new language applies the next time Whittle starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von Whittle.</translation>
    </message>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="30"/>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
</context>
<context>
    <name>whittle::ui::TrainingCurves</name>
    <message>
        <location filename="../ui/training_curves.cpp" line="18"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../ui/training_curves.cpp" line="19"/>
        <source>training loss</source>
        <translation>Trainings-Loss</translation>
    </message>
    <message>
        <location filename="../ui/training_curves.cpp" line="20"/>
        <source>epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <location filename="../ui/training_curves.cpp" line="21"/>
        <source>validation mAP</source>
        <translation>Validierungs-mAP</translation>
    </message>
    <message>
        <location filename="../ui/training_curves.cpp" line="27"/>
        <source>loss (per step)</source>
        <translation>Loss (pro Schritt)</translation>
    </message>
    <message>
        <location filename="../ui/training_curves.cpp" line="31"/>
        <source>mAP (per epoch)</source>
        <translation>mAP (pro Epoche)</translation>
    </message>
</context>
<context>
    <name>whittle::ui::VariantsPanel</name>
    <message>
        <location filename="../ui/variants_panel.cpp" line="23"/>
        <source>mAP</source>
        <translation>mAP</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="24"/>
        <source>Mean average precision on the test images: how well the detector finds and places objects, from 0 to 1.</source>
        <translation>Mittlere durchschnittliche Präzision auf den Testbildern: wie gut der Detektor Objekte findet und verortet, von 0 bis 1.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="27"/>
        <source>Params (M)</source>
        <translation>Parameter (Mio.)</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="28"/>
        <source>Number of weights and biases in the model, in millions.</source>
        <translation>Anzahl der Gewichte und Biases im Modell, in Millionen.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="29"/>
        <source>GMACs</source>
        <translation>GMACs</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="30"/>
        <source>Multiply-accumulate operations for one image, in billions: the model&apos;s arithmetic work.</source>
        <translation>Multiply-Accumulate-Operationen für ein Bild, in Milliarden: die Rechenarbeit des Modells.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="32"/>
        <source>ms/image</source>
        <translation>ms/Bild</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="33"/>
        <source>Measured time to run one image at the variant&apos;s own precision, in milliseconds.</source>
        <translation>Gemessene Zeit, um ein Bild in der eigenen Genauigkeit der Variante zu verarbeiten, in Millisekunden.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="35"/>
        <source>File (MB)</source>
        <translation>Datei (MB)</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="36"/>
        <source>Size of the model file on disk, in megabytes.</source>
        <translation>Größe der Modelldatei auf dem Datenträger, in Megabyte.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="61"/>
        <source>pruned</source>
        <translation>geprunt</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="62"/>
        <source>fine-tuned</source>
        <translation>nachtrainiert</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="63"/>
        <source>quantized</source>
        <translation>quantisiert</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="64"/>
        <source>exported</source>
        <translation>exportiert</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="71"/>
        <source>Variant</source>
        <translation>Variante</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="71"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="74"/>
        <source>The original model and the variants made from it, each under the one it was made from.</source>
        <translation>Das Originalmodell und die daraus erstellten Varianten, jede unter der, aus der sie entstand.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="75"/>
        <source>How the variant was made: pruned, fine-tuned, quantized or exported.</source>
        <translation>Wie die Variante entstand: geprunt, nachtrainiert, quantisiert oder exportiert.</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="94"/>
        <source>(original)</source>
        <translation>(Original)</translation>
    </message>
    <message>
        <location filename="../ui/variants_panel.cpp" line="65"/>
        <location filename="../ui/variants_panel.cpp" line="96"/>
        <source>original</source>
        <translation>Original</translation>
    </message>
</context>
</TS>
