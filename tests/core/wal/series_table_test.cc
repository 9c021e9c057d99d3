#include "core/wal/series_table.h"

#include <string>

#include "gtest/gtest.h"

namespace outpost::wal {
namespace {

Labels SeriesLabels(int i) {
  return Labels{{"__name__", "m"}, {"i", std::to_string(i)}};
}

TEST(SeriesTableTest, EntriesAreFoundByRefAndLabelsUntilErased) {
  LabelStore store;
  {
    SeriesTable t(&store);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(t.Create(SeriesLabels(i))->ref, uint64_t(i + 1));
    EXPECT_EQ(t.size(), 1000u);
    EXPECT_EQ(store.size(), 1000u);
    SeriesEntry* e = t.Find(500);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->labels.ToLabels(), SeriesLabels(499));
    EXPECT_EQ(t.FindByLabels(SeriesLabels(499)), e);
    // Entries keep their addresses while others come and go.
    for (int i = 1000; i < 3000; ++i) t.Create(SeriesLabels(i));
    for (uint64_t r = 1; r <= 400; ++r) t.Erase(r);
    EXPECT_EQ(t.Find(500), e);
    EXPECT_EQ(t.Find(400), nullptr);
    EXPECT_EQ(t.FindByLabels(SeriesLabels(399)), nullptr);
    EXPECT_EQ(t.size(), 2600u);
    size_t seen = 0;
    t.ForEach([&](SeriesEntry& x) { seen += x.ref > 400 ? 1 : 100000; });
    EXPECT_EQ(seen, 2600u);
    // A label set logged again under another ref is an alias.
    bool created = true;
    EXPECT_EQ(t.Insert(9000, SeriesLabels(499), &created), e);
    EXPECT_FALSE(created);
    EXPECT_EQ(t.Find(9000), e);
    EXPECT_EQ(t.next_ref(), 9001u);
  }
  // The table's entries held the only handles.
  EXPECT_EQ(store.size(), 0u);
}

TEST(SeriesTableTest, MetadataIsSharedAndFreedOnceNoSeriesHoldsIt) {
  LabelStore store;
  SeriesTable t(&store);
  SeriesEntry* a = t.Create(SeriesLabels(1));
  SeriesEntry* b = t.Create(SeriesLabels(2));
  a->metadata = t.InternMetadata(MetricType::kCounter, "", "Help a.");
  b->metadata = t.InternMetadata(MetricType::kCounter, "", "Help a.");
  EXPECT_EQ(a->metadata.get(), b->metadata.get());
  EXPECT_EQ(a->metadata->users, 2u);
  EXPECT_TRUE(a->metadata->Matches(MetricType::kCounter, "", "Help a."));
  const SeriesMetadata* shared = a->metadata.get();
  t.Erase(a->ref);
  EXPECT_EQ(shared->users, 1u);
  b->metadata = nullptr;
  EXPECT_TRUE(b->metadata == nullptr);
  EXPECT_EQ(shared->users, 0u);
  // Held metadata survives the sweeps that many distinct helps trigger
  // (the map is swept of unused ones each time it doubles).
  b->metadata = t.InternMetadata(MetricType::kGauge, "bytes", "Held.");
  for (int i = 0; i < 1000; ++i) {
    MetadataRef m = t.InternMetadata(MetricType::kGauge, "", "Help " + std::to_string(i));
    EXPECT_EQ(m->help, "Help " + std::to_string(i));
    EXPECT_EQ(m->users, 1u);
  }
  EXPECT_EQ(b->metadata->help, "Held.");
  EXPECT_EQ(b->metadata->unit, "bytes");
  EXPECT_EQ(b->metadata.get(), t.InternMetadata(MetricType::kGauge, "bytes", "Held.").get());
}

}  // namespace
}  // namespace outpost::wal
