#include "core/scrape/sample_labels.h"

#include <string>

namespace outpost::scrape {

void MergeTargetLabels(const Labels& target, bool honor_labels, Labels& series) {
  for (const Label& t : target) {
    if (series.Has(t.name)) {
      if (honor_labels) continue;
      std::string exported = "exported_" + t.name;
      while (series.Has(exported)) exported = "exported_" + exported;
      series.Set(exported, series.Get(t.name));
    }
    series.Set(t.name, t.value);
  }
}

}  // namespace outpost::scrape
