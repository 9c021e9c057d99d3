// dmi: node_dmi_info from <sysfs>/class/dmi/id, read once (node_exporter
// collector/dmi.go with prometheus/procfs sysfs/class_dmi.go: a label per
// readable file, unreadable-for-permission files are left out, invalid
// UTF-8 is replaced; no DMI = no data).
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr const char* kDmiFields[] = {
    "bios_date",      "bios_release",   "bios_vendor",     "bios_version",    "board_asset_tag",
    "board_name",     "board_serial",   "board_vendor",    "board_version",   "chassis_asset_tag",
    "chassis_serial", "chassis_vendor", "chassis_version", "product_family",  "product_name",
    "product_serial", "product_sku",    "product_uuid",    "product_version", "sys_vendor",
};

class DmiCollector final : public Collector {
 public:
  explicit DmiCollector(const Paths& p) : dir_(p.Sys("class/dmi/id")) {
    info_ = {"node_dmi_info", MetricType::kGauge,
             "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, "
             "bios_version, board_asset_tag, board_name, board_serial, board_vendor, "
             "board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, "
             "product_family, product_name, product_serial, product_sku, product_uuid, "
             "product_version, system_vendor if provided by DMI.",
             ""};
  }

 protected:
  absl::Status Update() override {
    if (!loaded_) {
      if (absl::Status st = Load(); !st.ok()) return st;
      loaded_ = true;
    }
    if (values_.empty()) return NoData("no DMI information");
    series_.Add(info_, names_, values_, 1);
    return absl::OkStatus();
  }

 private:
  absl::Status Load() {
    for (const char* field : kDmiFields) {
      absl::StatusOr<std::string> v = ReadSmallFile(Cat(dir_, "/", field));
      if (!v.ok()) {
        if (absl::IsNotFound(v.status()) || absl::IsPermissionDenied(v.status())) continue;
        return v.status();
      }
      std::string_view t = *v;
      while (!t.empty() && t.back() == '\n') t.remove_suffix(1);
      // procfs calls sys_vendor "system_vendor".
      owned_names_.push_back(std::string(field) == "sys_vendor" ? "system_vendor" : field);
      owned_values_.push_back(ToValidUtf8(Trim(t)));
    }
    for (size_t i = 0; i < owned_names_.size(); ++i) {
      names_.push_back(owned_names_[i]);
      values_.push_back(owned_values_[i]);
    }
    return absl::OkStatus();
  }

  std::string dir_;
  bool loaded_ = false;
  std::vector<std::string> owned_names_, owned_values_;
  std::vector<std::string_view> names_, values_;
  MetricFamily info_;
};

}  // namespace

CollectorOr NewDmiCollector(const Options&, const Paths& p) {
  return std::make_unique<DmiCollector>(p);
}

}  // namespace outpost::integrations::node
