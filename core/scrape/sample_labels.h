// How a scraped series' labels meet its target's labels, as Prometheus'
// mutateSampleLabels (scrape/scrape.go), before metric_relabel_configs.
// Shared by scrape loops and by integrations' collection pipelines (which
// behave as honor_labels: false targets).
#ifndef OUTPOST_CORE_SCRAPE_SAMPLE_LABELS_H_
#define OUTPOST_CORE_SCRAPE_SAMPLE_LABELS_H_

#include "core/base/labels.h"

namespace outpost::scrape {

// honor_labels: true keeps the scraped value of a label the target also
// has; false keeps the target's and renames the scraped one to
// exported_<name> (exported_exported_<name>, ... while that is taken).
// Target labels the series lacks are added either way.
void MergeTargetLabels(const Labels& target, bool honor_labels, Labels& series);

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_SAMPLE_LABELS_H_
