// Purchase order and contract rules without a database: the status machines,
// line amounts and totals, on-time delivery, quality results, contract
// pricing and draw-down, best offerings, filters and order_by.
#include "supplier_svc/domain/purchase_order_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/contract_rules.h"

namespace crm::supplier {
namespace {

using common::CalendarDate;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

crm::common::v1::Date MakeDate(int year, int month, int day) {
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

crm::common::v1::Money Eur(int64_t minor) {
  crm::common::v1::Money money;
  money.set_amount_minor(minor);
  money.set_currency_code("EUR");
  return money;
}

v1::PurchaseOrder Order(std::initializer_list<std::pair<std::string, int64_t>> lines) {
  v1::PurchaseOrder order;
  order.set_supplier("suppliers/1");
  for (const auto& [item, quantity] : lines) {
    v1::PurchaseOrderLine& line = *order.add_lines();
    line.set_item(item);
    line.set_quantity(quantity);
  }
  return order;
}

v1::Contract ActiveContract() {
  v1::Contract contract;
  contract.set_name("contracts/7");
  contract.set_supplier("suppliers/1");
  contract.set_title("Bolts 2024");
  contract.set_state(v1::CONTRACT_STATE_ACTIVE);
  *contract.mutable_start_date() = MakeDate(2024, 1, 1);
  *contract.mutable_end_date() = MakeDate(2024, 12, 31);
  v1::ContractLine& bolts = *contract.add_lines();
  bolts.set_item("BOLT-M8");
  *bolts.mutable_unit_price() = Eur(25);
  bolts.set_committed_quantity(100);
  v1::ContractLine& nuts = *contract.add_lines();
  nuts.set_item("NUT-M8");
  *nuts.mutable_unit_price() = Eur(10);
  nuts.set_committed_quantity(50);
  EXPECT_TRUE(ComputeContractTotals(contract).ok());
  return contract;
}

TEST(PurchaseOrderStatusMachineTest, AllowsExactlyTheDocumentedMoves) {
  const auto& machine = PurchaseOrderStatusMachine();
  EXPECT_THAT(
      machine.LegalNext(v1::PURCHASE_ORDER_STATUS_OPEN),
      ElementsAre(v1::PURCHASE_ORDER_STATUS_CONFIRMED, v1::PURCHASE_ORDER_STATUS_CANCELLED));
  EXPECT_THAT(
      machine.LegalNext(v1::PURCHASE_ORDER_STATUS_CONFIRMED),
      ElementsAre(v1::PURCHASE_ORDER_STATUS_DELIVERED, v1::PURCHASE_ORDER_STATUS_CANCELLED));
  EXPECT_TRUE(machine.LegalNext(v1::PURCHASE_ORDER_STATUS_DELIVERED).empty());
  EXPECT_TRUE(machine.LegalNext(v1::PURCHASE_ORDER_STATUS_CANCELLED).empty());
  absl::Status skip = machine.Check("purchaseOrders/1", v1::PURCHASE_ORDER_STATUS_OPEN,
                                    v1::PURCHASE_ORDER_STATUS_DELIVERED);
  EXPECT_EQ(skip.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(skip.message()), HasSubstr("from status OPEN to DELIVERED"));
  EXPECT_EQ(machine
                .Check("purchaseOrders/1", v1::PURCHASE_ORDER_STATUS_DELIVERED,
                       v1::PURCHASE_ORDER_STATUS_CANCELLED)
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ContractStateMachineTest, AllowsExactlyTheDocumentedMoves) {
  const auto& machine = ContractStateMachine();
  EXPECT_THAT(machine.LegalNext(v1::CONTRACT_STATE_DRAFT), ElementsAre(v1::CONTRACT_STATE_ACTIVE));
  EXPECT_THAT(machine.LegalNext(v1::CONTRACT_STATE_ACTIVE),
              ElementsAre(v1::CONTRACT_STATE_EXPIRED, v1::CONTRACT_STATE_TERMINATED));
  EXPECT_TRUE(machine.LegalNext(v1::CONTRACT_STATE_TERMINATED).empty());
  EXPECT_TRUE(machine.LegalNext(v1::CONTRACT_STATE_EXPIRED).empty());
  EXPECT_FALSE(machine.IsLegal(v1::CONTRACT_STATE_DRAFT, v1::CONTRACT_STATE_TERMINATED));
}

TEST(ContractStateTest, ActiveContractExpiresTheDayAfterItsEndDate) {
  v1::Contract contract = ActiveContract();
  EXPECT_EQ(EffectiveContractState(contract, {2024, 12, 31}), v1::CONTRACT_STATE_ACTIVE);
  EXPECT_EQ(EffectiveContractState(contract, {2025, 1, 1}), v1::CONTRACT_STATE_EXPIRED);
  contract.set_state(v1::CONTRACT_STATE_DRAFT);
  EXPECT_EQ(EffectiveContractState(contract, {2025, 1, 1}), v1::CONTRACT_STATE_DRAFT);
}

TEST(PurchaseOrderAmountsTest, LineAmountIsQuantityTimesPriceAndTotalTheirSum) {
  v1::PurchaseOrder order = Order({{"BOLT-M8", 3}, {"NUT-M8", 7}});
  *order.mutable_lines(0)->mutable_unit_price() = Eur(1999);
  *order.mutable_lines(1)->mutable_unit_price() = Eur(5);
  ASSERT_TRUE(ComputePurchaseOrderAmounts(order).ok());
  EXPECT_EQ(order.lines(0).line_number(), 1);
  EXPECT_EQ(order.lines(1).line_number(), 2);
  EXPECT_EQ(order.lines(0).amount().amount_minor(), 5997);
  EXPECT_EQ(order.lines(1).amount().amount_minor(), 35);
  EXPECT_EQ(order.total_amount().amount_minor(), 6032);
  EXPECT_EQ(order.total_amount().currency_code(), "EUR");
  EXPECT_EQ(OrderedQuantity(order), 10);
}

TEST(PurchaseOrderAmountsTest, MixedCurrenciesMissingPricesAndOverflowAreRejected) {
  v1::PurchaseOrder mixed = Order({{"A", 1}, {"B", 1}});
  *mixed.mutable_lines(0)->mutable_unit_price() = Eur(100);
  mixed.mutable_lines(1)->mutable_unit_price()->set_currency_code("USD");
  absl::Status status = ComputePurchaseOrderAmounts(mixed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("purchase_order.lines[1].unit_price.currency_code"));

  v1::PurchaseOrder unpriced = Order({{"A", 1}});
  status = ComputePurchaseOrderAmounts(unpriced);
  EXPECT_THAT(std::string(status.message()), HasSubstr("purchase_order.lines[0].unit_price"));

  v1::PurchaseOrder huge = Order({{"A", 1'000'000'000'000}});
  *huge.mutable_lines(0)->mutable_unit_price() = Eur(9'000'000'000'000);
  status = ComputePurchaseOrderAmounts(huge);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("purchase_order.lines[0].quantity"));
}

TEST(PurchaseOrderValidationTest, NamesTheFieldOfEachProblem) {
  struct Case {
    std::string field;
    std::function<void(v1::PurchaseOrder&)> spoil;
  };
  const std::vector<Case> cases = {
      {"purchase_order.supplier", [](v1::PurchaseOrder& o) { o.set_supplier("customers/1"); }},
      {"purchase_order.contract", [](v1::PurchaseOrder& o) { o.set_contract("contract/1"); }},
      {"purchase_order.lines", [](v1::PurchaseOrder& o) { o.clear_lines(); }},
      {"purchase_order.lines[0].item",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_item(""); }},
      {"purchase_order.lines[0].item",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_item(std::string(65, 'x')); }},
      {"purchase_order.lines[0].quantity",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_quantity(0); }},
      {"purchase_order.lines[0].unit_price",
       [](v1::PurchaseOrder& o) { *o.mutable_lines(0)->mutable_unit_price() = Eur(-1); }},
      {"purchase_order.lines[0].unit_price",
       [](v1::PurchaseOrder& o) {
         o.mutable_lines(0)->mutable_unit_price()->set_currency_code("XXY");
       }},
      {"purchase_order.lines[0].offering",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_offering("offerings/x"); }},
      {"purchase_order.lines[0].description",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_description("bad \xC3"); }},
      {"purchase_order.promised_delivery_date",
       [](v1::PurchaseOrder& o) { *o.mutable_promised_delivery_date() = MakeDate(2023, 2, 29); }},
  };
  for (const Case& c : cases) {
    v1::PurchaseOrder order = Order({{"BOLT-M8", 1}});
    ASSERT_TRUE(ValidatePurchaseOrder(order).ok());
    c.spoil(order);
    absl::Status status = ValidatePurchaseOrder(order);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":")) << status;
  }
}

TEST(OnTimeDeliveryTest, OnOrBeforeThePromisedDateIsOnTime) {
  EXPECT_TRUE(IsOnTime({2024, 3, 10}, {2024, 3, 9}));
  EXPECT_TRUE(IsOnTime({2024, 3, 10}, {2024, 3, 10}));
  EXPECT_FALSE(IsOnTime({2024, 3, 10}, {2024, 3, 11}));
  EXPECT_FALSE(IsOnTime({2024, 12, 31}, {2025, 1, 1}));
}

TEST(QualityResultTest, AcceptedPlusDefectiveMustMatchTheDeliveredUnits) {
  v1::QualityResult quality;
  quality.set_accepted_quantity(8);
  quality.set_defective_quantity(2);
  EXPECT_TRUE(ValidateQualityResult(quality, 10).ok());
  absl::Status more = ValidateQualityResult(quality, 9);
  EXPECT_EQ(more.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(more.message()), HasSubstr("exceeds the 9 units delivered"));
  EXPECT_EQ(ValidateQualityResult(quality, 11).code(), absl::StatusCode::kInvalidArgument);
  quality.set_defective_quantity(-1);
  EXPECT_THAT(std::string(ValidateQualityResult(quality, 7).message()),
              HasSubstr("quality_result.defective_quantity"));
  quality.set_defective_quantity(2);
  quality.set_notes(std::string(2001, 'n'));
  EXPECT_THAT(std::string(ValidateQualityResult(quality, 10).message()),
              HasSubstr("quality_result.notes"));
}

TEST(ContractPricingTest, LinesGetTheAgreedPriceAndOtherPricesOrItemsAreRejected) {
  const v1::Contract contract = ActiveContract();
  v1::PurchaseOrder order = Order({{"BOLT-M8", 10}, {"NUT-M8", 5}});
  *order.mutable_lines(1)->mutable_unit_price() = Eur(10);
  ASSERT_TRUE(ApplyContractPrices(contract, "contracts/7", {2024, 6, 1}, order).ok());
  EXPECT_EQ(order.lines(0).unit_price().amount_minor(), 25);

  v1::PurchaseOrder other_price = Order({{"BOLT-M8", 1}});
  *other_price.mutable_lines(0)->mutable_unit_price() = Eur(24);
  absl::Status status = ApplyContractPrices(contract, "contracts/7", {2024, 6, 1}, other_price);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("purchase_order.lines[0].unit_price"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("0.25 EUR"));

  v1::PurchaseOrder other_item = Order({{"WASHER", 1}});
  status = ApplyContractPrices(contract, "contracts/7", {2024, 6, 1}, other_item);
  EXPECT_THAT(std::string(status.message()), HasSubstr("purchase_order.lines[0].item"));

  v1::PurchaseOrder late = Order({{"BOLT-M8", 1}});
  status = ApplyContractPrices(contract, "contracts/7", {2025, 1, 1}, late);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("EXPIRED"));

  v1::Contract future = contract;
  *future.mutable_start_date() = MakeDate(2024, 7, 1);
  status = ApplyContractPrices(future, "contracts/7", {2024, 6, 30}, late);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("outside its term"));

  v1::Contract draft = contract;
  draft.set_state(v1::CONTRACT_STATE_DRAFT);
  EXPECT_EQ(ApplyContractPrices(draft, "contracts/7", {2024, 6, 1}, late).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::PurchaseOrder elsewhere = Order({{"BOLT-M8", 1}});
  elsewhere.set_supplier("suppliers/2");
  EXPECT_EQ(ApplyContractPrices(contract, "contracts/7", {2024, 6, 1}, elsewhere).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ContractDrawDownTest, DrawsToExactlyZeroThenRefusesAndGivesBack) {
  v1::Contract contract = ActiveContract();
  EXPECT_EQ(contract.committed_amount().amount_minor(), 100 * 25 + 50 * 10);
  // Two lines of the same item count together.
  v1::PurchaseOrder order = Order({{"BOLT-M8", 60}, {"BOLT-M8", 40}});
  ASSERT_TRUE(DrawDownContract(contract, "contracts/7", order, +1).ok());
  EXPECT_EQ(contract.lines(0).ordered_quantity(), 100);
  EXPECT_EQ(contract.lines(0).remaining_quantity(), 0);
  EXPECT_EQ(contract.ordered_amount().amount_minor(), 2500);
  EXPECT_EQ(contract.remaining_amount().amount_minor(), 500);

  const v1::Contract before = contract;
  absl::Status more = DrawDownContract(contract, "contracts/7", Order({{"BOLT-M8", 1}}), +1);
  EXPECT_EQ(more.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(more.message()),
              HasSubstr("contracts/7 line 1 (item \"BOLT-M8\"): remaining 0, requested 1"));
  EXPECT_EQ(contract.SerializeAsString(), before.SerializeAsString());

  // A failure on the second item leaves the first untouched too.
  absl::Status partial =
      DrawDownContract(contract, "contracts/7", Order({{"NUT-M8", 10}, {"BOLT-M8", 5}}), +1);
  EXPECT_EQ(partial.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(contract.lines(1).ordered_quantity(), 0);

  ASSERT_TRUE(DrawDownContract(contract, "contracts/7", Order({{"BOLT-M8", 40}}), -1).ok());
  EXPECT_EQ(contract.lines(0).remaining_quantity(), 40);
  EXPECT_EQ(contract.ordered_amount().amount_minor(), 60 * 25);
}

TEST(ContractValidationTest, NamesTheFieldOfEachProblem) {
  struct Case {
    std::string field;
    std::function<void(v1::Contract&)> spoil;
  };
  const std::vector<Case> cases = {
      {"contract.supplier", [](v1::Contract& c) { c.set_supplier(""); }},
      {"contract.title", [](v1::Contract& c) { c.set_title(" "); }},
      {"contract.title", [](v1::Contract& c) { c.set_title(std::string(201, 't')); }},
      {"contract.start_date", [](v1::Contract& c) { c.clear_start_date(); }},
      {"contract.end_date",
       [](v1::Contract& c) { *c.mutable_end_date() = MakeDate(2023, 12, 31); }},
      {"contract.lines", [](v1::Contract& c) { c.clear_lines(); }},
      {"contract.lines[1].item", [](v1::Contract& c) { c.mutable_lines(1)->set_item("BOLT-M8"); }},
      {"contract.lines[0].unit_price",
       [](v1::Contract& c) { *c.mutable_lines(0)->mutable_unit_price() = Eur(0); }},
      {"contract.lines[1].unit_price.currency_code",
       [](v1::Contract& c) { c.mutable_lines(1)->mutable_unit_price()->set_currency_code("USD"); }},
      {"contract.lines[0].committed_quantity",
       [](v1::Contract& c) { c.mutable_lines(0)->set_committed_quantity(0); }},
  };
  for (const Case& c : cases) {
    v1::Contract contract = ActiveContract();
    ASSERT_TRUE(ValidateContract(contract).ok());
    c.spoil(contract);
    absl::Status status = ValidateContract(contract);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":")) << status;
  }
}

TEST(ContractUpdateTest, DraftChangesEverythingActiveOnlyItsTitle) {
  google::protobuf::FieldMask title;
  title.add_paths("title");
  google::protobuf::FieldMask lines;
  lines.add_paths("lines");
  EXPECT_TRUE(CheckContractUpdateAllowed("contracts/1", v1::CONTRACT_STATE_DRAFT, lines).ok());
  EXPECT_TRUE(CheckContractUpdateAllowed("contracts/1", v1::CONTRACT_STATE_ACTIVE, title).ok());
  EXPECT_EQ(CheckContractUpdateAllowed("contracts/1", v1::CONTRACT_STATE_ACTIVE, lines).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckContractUpdateAllowed("contracts/1", v1::CONTRACT_STATE_TERMINATED, title).code(),
            absl::StatusCode::kFailedPrecondition);
  google::protobuf::FieldMask state;
  state.add_paths("state");
  absl::Status status = ValidateContractUpdateMask(state);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("ActivateContract"));
}

TEST(BestOfferingTest, PicksTheCheapestValidOfferingForTheQuantityAndCurrency) {
  auto offering = [](const std::string& name, int64_t price, const std::string& currency,
                     int64_t minimum, crm::common::v1::Date from, crm::common::v1::Date until) {
    v1::Offering o;
    o.set_name(name);
    o.mutable_unit_price()->set_amount_minor(price);
    o.mutable_unit_price()->set_currency_code(currency);
    o.set_minimum_quantity(minimum);
    *o.mutable_valid_from() = from;
    *o.mutable_valid_until() = until;
    return o;
  };
  const std::vector<v1::Offering> offerings = {
      offering("offerings/1", 100, "EUR", 1, MakeDate(2024, 1, 1), MakeDate(2024, 12, 31)),
      offering("offerings/2", 80, "EUR", 50, MakeDate(2024, 1, 1), MakeDate(2024, 12, 31)),
      offering("offerings/3", 70, "EUR", 1, MakeDate(2023, 1, 1), MakeDate(2023, 12, 31)),
      offering("offerings/4", 60, "USD", 1, MakeDate(2024, 1, 1), MakeDate(2024, 12, 31)),
      offering("offerings/5", 100, "EUR", 1, MakeDate(2024, 1, 1), MakeDate(2024, 12, 31)),
  };
  const CalendarDate day{2024, 6, 1};
  EXPECT_EQ(ChooseBestOffering(offerings, 10, day, "EUR")->name(), "offerings/1");
  EXPECT_EQ(ChooseBestOffering(offerings, 50, day, "EUR")->name(), "offerings/2");
  EXPECT_EQ(ChooseBestOffering(offerings, 10, day, "")->name(), "offerings/4");
  EXPECT_FALSE(ChooseBestOffering(offerings, 10, day, "JPY").has_value());
  EXPECT_EQ(ChooseBestOffering(offerings, 10, {2023, 6, 1}, "EUR")->name(), "offerings/3");
}

TEST(PurchaseOrderListTest, FiltersAndOrdersAreChecked) {
  absl::StatusOr<std::vector<PurchaseOrderCondition>> conditions = ParsePurchaseOrderFilter(
      "status = CONFIRMED AND supplier = suppliers/3 AND on_time_delivery = true AND "
      "lines.item = \"BOLT-M8\" AND promised_delivery_date >= 2024-01-01");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  EXPECT_EQ(conditions->size(), 5u);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), 3);
  absl::StatusOr<std::vector<PurchaseOrderCondition>> unknown =
      ParsePurchaseOrderFilter("colour = red");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);

  PurchaseOrderOrder order = PurchaseOrderOrder::kTotalAmount;
  bool descending = false;
  ASSERT_TRUE(ParsePurchaseOrderOrder("", order, descending).ok());
  EXPECT_EQ(order, PurchaseOrderOrder::kCreateTime);
  EXPECT_TRUE(descending);
  ASSERT_TRUE(ParsePurchaseOrderOrder("total_amount.amount_minor", order, descending).ok());
  EXPECT_EQ(order, PurchaseOrderOrder::kTotalAmount);
  EXPECT_FALSE(descending);
  EXPECT_EQ(ParsePurchaseOrderOrder("price", order, descending).code(),
            absl::StatusCode::kInvalidArgument);

  google::protobuf::FieldMask status;
  status.add_paths("status");
  EXPECT_THAT(std::string(ValidatePurchaseOrderUpdateMask(status).message()),
              HasSubstr("ConfirmPurchaseOrder"));
}

TEST(MoneyFormatTest, UsesTheCurrencyMinorUnits) {
  EXPECT_EQ(FormatMoney(1250, "EUR"), "12.50 EUR");
  EXPECT_EQ(FormatMoney(-5, "USD"), "-0.05 USD");
  EXPECT_EQ(FormatMoney(1250, "JPY"), "1250 JPY");
}

}  // namespace
}  // namespace crm::supplier
