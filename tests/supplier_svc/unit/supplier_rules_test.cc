// Supplier rules without a database: the status machine, field validation and
// normalization, update masks, qualification currency, filters and order_by.
#include "supplier_svc/domain/supplier_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::supplier {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Supplier Valid() {
  v1::Supplier supplier;
  supplier.set_display_name("Acme Components");
  supplier.add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
  return supplier;
}

crm::common::v1::Date MakeDate(int year, int month, int day) {
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(SupplierStatusMachineTest, AllowsExactlyTheDocumentedMoves) {
  const auto& machine = SupplierStatusMachine();
  EXPECT_THAT(machine.LegalNext(v1::SUPPLIER_STATUS_PROSPECTIVE),
              ElementsAre(v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_TERMINATED));
  EXPECT_THAT(machine.LegalNext(v1::SUPPLIER_STATUS_ACTIVE),
              ElementsAre(v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_ON_HOLD,
                          v1::SUPPLIER_STATUS_CONSOLIDATED, v1::SUPPLIER_STATUS_TERMINATED));
  EXPECT_THAT(machine.LegalNext(v1::SUPPLIER_STATUS_ON_HOLD),
              ElementsAre(v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_CONSOLIDATED,
                          v1::SUPPLIER_STATUS_TERMINATED));
  EXPECT_TRUE(machine.LegalNext(v1::SUPPLIER_STATUS_CONSOLIDATED).empty());
  EXPECT_TRUE(machine.LegalNext(v1::SUPPLIER_STATUS_TERMINATED).empty());
}

TEST(SupplierStatusMachineTest, ManualChangesNeverConsolidateAndNameBothStatuses) {
  absl::Status consolidate = CheckManualStatusChange("suppliers/1", v1::SUPPLIER_STATUS_ACTIVE,
                                                     v1::SUPPLIER_STATUS_CONSOLIDATED);
  EXPECT_EQ(consolidate.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(consolidate.message()), HasSubstr("ExecuteConsolidation"));
  absl::Status illegal = CheckManualStatusChange("suppliers/1", v1::SUPPLIER_STATUS_PROSPECTIVE,
                                                 v1::SUPPLIER_STATUS_PREFERRED);
  EXPECT_EQ(illegal.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(illegal.message()),
              HasSubstr("from status PROSPECTIVE to PREFERRED; from PROSPECTIVE it can move to "
                        "ACTIVE, TERMINATED"));
  EXPECT_TRUE(CheckManualStatusChange("suppliers/1", v1::SUPPLIER_STATUS_PREFERRED,
                                      v1::SUPPLIER_STATUS_ACTIVE)
                  .ok());
}

TEST(NormalizeSupplierTest, BringsFieldsIntoTheirStoredForm) {
  v1::Supplier supplier = Valid();
  supplier.add_categories(v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  supplier.add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
  supplier.mutable_organization_key()->set_web_domain("WWW.Acme.EXAMPLE");
  supplier.mutable_organization_key()->set_tax_id("gb123456789");
  auto* contact = supplier.add_contacts();
  contact->set_display_name("Ann");
  contact->set_phone("+44 20 7946 0958");
  auto* later = supplier.add_qualifications();
  later->set_category(v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  auto* earlier = supplier.add_qualifications();
  earlier->set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
  ASSERT_TRUE(NormalizeSupplier(supplier).ok());
  EXPECT_THAT(supplier.categories(),
              ElementsAre(v1::SUPPLIER_CATEGORY_RAW_MATERIAL, v1::SUPPLIER_CATEGORY_COMPONENT));
  EXPECT_EQ(supplier.organization_key().web_domain(), "acme.example");
  EXPECT_EQ(supplier.organization_key().tax_id(), "GB123456789");
  EXPECT_EQ(supplier.contacts(0).phone(), "+442079460958");
  EXPECT_EQ(supplier.integration_level(), v1::INTEGRATION_LEVEL_NONE);
  EXPECT_EQ(supplier.qualifications(0).category(), v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  EXPECT_EQ(supplier.qualifications(1).category(), v1::SUPPLIER_CATEGORY_COMPONENT);
}

TEST(NormalizeSupplierTest, RejectsEachInvalidFieldByName) {
  auto message = [](void (*spoil)(v1::Supplier&)) {
    v1::Supplier supplier = Valid();
    spoil(supplier);
    absl::Status status = NormalizeSupplier(supplier);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  EXPECT_THAT(message([](v1::Supplier& s) { s.set_display_name("\xC3\x28"); }),
              HasSubstr("supplier.display_name"));
  EXPECT_THAT(message([](v1::Supplier& s) { s.set_legal_name(std::string(10240, 'x')); }),
              HasSubstr("supplier.legal_name"));
  EXPECT_THAT(message([](v1::Supplier& s) {
                auto* q = s.add_qualifications();
                q->set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
                s.add_qualifications()->set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
              }),
              HasSubstr("supplier.qualifications[1].category: COMPONENT is qualified twice"));
  EXPECT_THAT(message([](v1::Supplier& s) {
                s.mutable_data_sharing_agreement()->set_state(
                    v1::DATA_SHARING_AGREEMENT_STATE_SIGNED);
                s.mutable_data_sharing_agreement()->set_scope("demand forecasts");
              }),
              HasSubstr("supplier.data_sharing_agreement.signed_date: required"));
  EXPECT_THAT(message([](v1::Supplier& s) {
                *s.mutable_relationship_start_date() = MakeDate(2023, 13, 1);
              }),
              HasSubstr("supplier.relationship_start_date"));
  EXPECT_THAT(message([](v1::Supplier& s) {
                auto* c = s.add_contacts();
                c->set_display_name("A");
                c->set_primary(true);
                auto* d = s.add_contacts();
                d->set_display_name("B");
                d->set_primary(true);
              }),
              HasSubstr("supplier.contacts[1].primary"));
}

TEST(MarkCurrentQualificationsTest, CurrentOnlyWhenQualifiedAndWithinValidity) {
  v1::Supplier supplier = Valid();
  auto add = [&](v1::QualificationState state, crm::common::v1::Date from,
                 crm::common::v1::Date until) {
    v1::Qualification* q = supplier.add_qualifications();
    q->set_state(state);
    *q->mutable_valid_from() = from;
    *q->mutable_valid_until() = until;
  };
  add(v1::QUALIFICATION_STATE_APPROVED, MakeDate(2024, 1, 1), MakeDate(2024, 12, 31));
  add(v1::QUALIFICATION_STATE_CONDITIONAL, {}, {});
  add(v1::QUALIFICATION_STATE_REJECTED, {}, {});
  add(v1::QUALIFICATION_STATE_APPROVED, MakeDate(2024, 7, 1), {});
  add(v1::QUALIFICATION_STATE_APPROVED, {}, MakeDate(2024, 6, 14));
  MarkCurrentQualifications(supplier, common::CalendarDate{2024, 6, 15});
  std::vector<bool> current;
  for (const auto& q : supplier.qualifications()) current.push_back(q.current());
  EXPECT_THAT(current, ElementsAre(true, true, false, false, false));
}

TEST(SupplierUpdateMaskTest, RejectsOutputOnlyAndUnknownPaths) {
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("qualifications");
  EXPECT_TRUE(ValidateSupplierUpdateMask(mask).ok());
  mask.add_paths("consolidated_into");
  EXPECT_THAT(std::string(ValidateSupplierUpdateMask(mask).message()),
              HasSubstr("use ExecuteConsolidation"));
  google::protobuf::FieldMask unknown;
  unknown.add_paths("favourite_colour");
  EXPECT_EQ(ValidateSupplierUpdateMask(unknown).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SupplierFilterTest, ResolvesFieldsAndRejectsBadValues) {
  absl::StatusOr<std::vector<SupplierCondition>> conditions = ParseSupplierFilter(
      "categories = TECHNOLOGY AND status = SUPPLIER_STATUS_ACTIVE AND "
      "relationship_start_date < 2020-01-01 AND consolidated_into = suppliers/7");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 4u);
  EXPECT_EQ((*conditions)[0].column, SupplierColumn::kCategory);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::SUPPLIER_CATEGORY_TECHNOLOGY);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), v1::SUPPLIER_STATUS_ACTIVE);
  EXPECT_EQ(std::get<std::string>((*conditions)[2].value), "2020-01-01");
  EXPECT_EQ((*conditions)[2].match, common::Match::kLess);
  EXPECT_EQ(std::get<int64_t>((*conditions)[3].value), 7);
  EXPECT_THAT(std::string(ParseSupplierFilter("relationship_start_date = 2020-02-30")
                              .status()
                              .message()),
              HasSubstr("2024-01-31"));
  EXPECT_FALSE(ParseSupplierFilter("categories = FURNITURE").ok());
  EXPECT_FALSE(ParseSupplierFilter("status > ACTIVE").ok());
}

TEST(SupplierOrderTest, AcceptsTheDocumentedFieldsAndDirections) {
  SupplierOrder order;
  bool descending = true;
  ASSERT_TRUE(ParseSupplierOrder("", order, descending).ok());
  EXPECT_EQ(order, SupplierOrder::kDisplayName);
  EXPECT_FALSE(descending);
  ASSERT_TRUE(ParseSupplierOrder("relationship_start_date desc", order, descending).ok());
  EXPECT_EQ(order, SupplierOrder::kRelationshipStartDate);
  EXPECT_TRUE(descending);
  absl::Status bad = ParseSupplierOrder("spend desc", order, descending);
  EXPECT_THAT(std::string(bad.message()),
              HasSubstr("use display_name, create_time or relationship_start_date"));
}

}  // namespace
}  // namespace crm::supplier
