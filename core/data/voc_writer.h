#pragma once
// Writes PASCAL VOC-format annotations and split files, in the layout the
// devkit and read_voc() read:
//
//   <annotation>
//     <folder>VOC2007</folder> <filename>000001.jpg</filename>
//     <source><database>...</database></source>
//     <size><width/><height/><depth/></size> <segmented>0</segmented>
//     <object><name/><pose>Unspecified</pose><truncated/><difficult/>
//       <bndbox><xmin/><ymin/><xmax/><ymax/></bndbox></object> ...
//   </annotation>
//
// Boxes are written as stored (VOC: 1-based inclusive); whole numbers are
// written without a decimal point. Files are written to a temporary name in
// the same folder and renamed, so a reader never sees half a file.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace whittle {

// The XML text of one annotation. filename = the file name of
// record.image_path, or "<id>.jpg" when the path is empty.
std::string voc_annotation_xml(const ImageRecord& record, const std::string& folder = "VOC2007",
                               const std::string& database = "Whittle synthetic");

// Writes voc_annotation_xml() to `path`. Throws whittle::Error naming the file.
void write_voc_annotation(const std::string& path, const ImageRecord& record,
                          const std::string& folder = "VOC2007",
                          const std::string& database = "Whittle synthetic");

// ImageSets/Main/<set>.txt: one id a line, in the order given.
void write_image_set(const std::string& path, const std::vector<std::string>& ids);

// ImageSets/Main/<class>_<set>.txt in the devkit's format: "<id>  1" when the
// image holds a non-difficult object of the class, "<id>  0" when it holds only
// difficult ones, "<id> -1" otherwise; one line per image, in the order given.
void write_class_image_set(const std::string& path, const std::vector<const ImageRecord*>& images,
                           const std::string& class_name);

// Writes `bytes` to `path` through a temporary file in the same folder and a
// rename (no fsync: for regenerable outputs such as synthetic data).
void write_file_renamed(const std::string& path, const std::string& bytes);

}  // namespace whittle
