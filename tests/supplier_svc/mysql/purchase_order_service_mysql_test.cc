// PurchaseOrderService with the MySQL repositories against a fresh
// TestDatabase schema carrying supplier_svc's migrations: pricing, contract
// draw-down under concurrency, the status machine, delivery and quality.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/supplier_svc/mysql/procurement_test_fixture.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PurchaseOrderServiceMySqlTest : public ProcurementMySqlTest {
 protected:
  // An offering row as OfferingService would store it.
  void InsertOffering(const v1::Supplier& supplier, const std::string& item, int64_t price,
                      int64_t minimum, const std::string& from, const std::string& until) {
    ASSERT_THAT(test_support::ExecuteSql(
                    pool_, absl::StrCat("INSERT INTO offerings (supplier_id, item, "
                                        "supplier_item_code, description, unit_price_minor, "
                                        "currency, minimum_quantity, lead_time_days, valid_from, "
                                        "valid_until, version, create_time, update_time) VALUES (",
                                        IdOf(supplier.name()), ", '", item, "', 'SUP-", item,
                                        "', 'from the price list', ", price, ", 'EUR', ", minimum,
                                        ", 5, '", from, "', '", until, "', 1, NOW(6), NOW(6))")),
                IsOk());
  }

  int64_t Ordered(const v1::Contract& contract, int line) {
    absl::StatusOr<v1::Contract> current = GetContract(contract.name());
    EXPECT_THAT(current, IsOk());
    return current.ok() ? current->lines(line).ordered_quantity() : -1;
  }

  std::vector<std::string> ListNumbers(const std::string& filter, const std::string& order_by) {
    std::vector<std::string> numbers;
    std::string token;
    do {
      v1::ListPurchaseOrdersRequest request;
      request.set_page_size(2);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_page_token(token);
      v1::ListPurchaseOrdersResponse response;
      absl::Status status = orders_.ListPurchaseOrders(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const auto& order : response.purchase_orders()) numbers.push_back(order.po_number());
      token = response.next_page_token();
    } while (!token.empty());
    return numbers;
  }
};

TEST_F(PurchaseOrderServiceMySqlTest, CreateThenGetReturnsTheStoredOrderVerbatim) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const std::string hostile = "M8 '; DROP TABLE purchase_orders; -- \xE6\x9D\xBE \xF0\x9F\x94\xA9";
  v1::PurchaseOrder order = OrderFor(acme, {{"BOLT-M8", 3, 1999}, {"NUT'M8", 7, 5}});
  order.mutable_lines(0)->set_description(hostile);
  order.mutable_lines(0)->set_supplier_item_code("AC-\xC3\xA9-1");
  order.mutable_lines(1)->set_description(std::string(2000, 'd'));
  *order.mutable_promised_delivery_date() = MakeDate(2024, 3, 20);
  order.set_status(v1::PURCHASE_ORDER_STATUS_DELIVERED);  // output only: ignored
  order.set_service_rating(5);                            // output only: ignored
  absl::StatusOr<v1::PurchaseOrder> placed = Place(order);
  ASSERT_THAT(placed, IsOk());
  EXPECT_EQ(placed->name(), "purchaseOrders/1");
  EXPECT_EQ(placed->po_number(), "PO-000001");
  EXPECT_EQ(placed->status(), v1::PURCHASE_ORDER_STATUS_OPEN);
  EXPECT_EQ(placed->service_rating(), 0);
  ASSERT_EQ(placed->lines_size(), 2);
  EXPECT_EQ(placed->lines(0).line_number(), 1);
  EXPECT_EQ(placed->lines(1).line_number(), 2);
  EXPECT_EQ(placed->lines(0).description(), hostile);
  EXPECT_EQ(placed->lines(0).supplier_item_code(), "AC-\xC3\xA9-1");
  EXPECT_EQ(placed->lines(0).amount().amount_minor(), 5997);
  EXPECT_EQ(placed->lines(1).amount().amount_minor(), 35);
  EXPECT_EQ(placed->total_amount().amount_minor(), 6032);
  EXPECT_EQ(placed->total_amount().currency_code(), "EUR");
  EXPECT_EQ(placed->promised_delivery_date().day(), 20);
  EXPECT_FALSE(placed->has_actual_delivery_date());
  EXPECT_FALSE(placed->has_quality_result());

  absl::StatusOr<v1::PurchaseOrder> got = GetOrder(placed->name());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), placed->SerializeAsString());
  EXPECT_EQ(GetOrder("purchaseOrders/99").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetOrder("purchase_orders/1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(AuditActions(placed->name()), ElementsAre(crm::common::v1::AUDIT_ACTION_CREATE));

  // Spend and the delete check of SupplierService read these rows.
  v1::GetSupplierSummaryRequest summary_request;
  v1::GetSupplierSummaryResponse summary;
  ASSERT_THAT(suppliers_.GetSupplierSummary(call_, summary_request, summary), IsOk());
  ASSERT_EQ(summary.summary().spend_amounts_size(), 1);
  EXPECT_EQ(summary.summary().spend_amounts(0).amount_minor(), 6032);
  v1::DeleteSupplierRequest remove;
  remove.set_name(acme.name());
  v1::DeleteSupplierResponse removed;
  absl::Status refused = suppliers_.DeleteSupplier(call_, remove, removed);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("1 open purchase order"));
  ASSERT_THAT(Cancel(*placed), IsOk());
  ASSERT_THAT(suppliers_.GetSupplierSummary(call_, summary_request, summary), IsOk());
  EXPECT_EQ(summary.summary().spend_amounts_size(), 0);
  EXPECT_THAT(suppliers_.DeleteSupplier(call_, remove, removed), IsOk());
}

TEST_F(PurchaseOrderServiceMySqlTest, InvalidOrdersAreRejectedNamingTheFieldAndWriteNothing) {
  const v1::Supplier acme = MakeSupplier("Acme");
  struct Case {
    std::string field;
    std::function<void(v1::PurchaseOrder&)> spoil;
  };
  const std::vector<Case> cases = {
      {"purchase_order.lines", [](v1::PurchaseOrder& o) { o.clear_lines(); }},
      {"purchase_order.lines[0].quantity",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_quantity(0); }},
      {"purchase_order.lines[0].description",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->set_description(std::string(10240, 'x')); }},
      {"purchase_order.lines[1].unit_price.currency_code",
       [](v1::PurchaseOrder& o) {
         v1::PurchaseOrderLine& line = *o.add_lines();
         line.set_item("NUT");
         line.set_quantity(1);
         line.mutable_unit_price()->set_amount_minor(5);
         line.mutable_unit_price()->set_currency_code("USD");
       }},
      {"purchase_order.lines[0].unit_price",
       [](v1::PurchaseOrder& o) { o.mutable_lines(0)->clear_unit_price(); }},  // no offering
      {"purchase_order.promised_delivery_date",
       [](v1::PurchaseOrder& o) { *o.mutable_promised_delivery_date() = MakeDate(2024, 2, 1); }},
      {"purchase_order.supplier", [](v1::PurchaseOrder& o) { o.set_supplier("suppliers/0"); }},
  };
  for (const Case& c : cases) {
    v1::PurchaseOrder order = OrderFor(acme, {{"BOLT", 1, 100}});
    c.spoil(order);
    absl::Status status = Place(order).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":")) << status;
  }
  v1::PurchaseOrder unknown = OrderFor(acme, {{"BOLT", 1, 100}});
  unknown.set_supplier("suppliers/404");
  EXPECT_EQ(Place(unknown).status().code(), absl::StatusCode::kNotFound);
  unknown = OrderFor(acme, {{"BOLT", 1, 100}}, "contracts/404");
  EXPECT_EQ(Place(unknown).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_order_lines"), 0);
}

TEST_F(PurchaseOrderServiceMySqlTest, OrdersOnlyWithActiveOrPreferredSuppliers) {
  EXPECT_THAT(
      Place(OrderFor(MakeSupplier("Preferred", v1::SUPPLIER_STATUS_PREFERRED), {{"BOLT", 1, 100}})),
      IsOk());
  for (v1::SupplierStatus status : {v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_PROSPECTIVE,
                                    v1::SUPPLIER_STATUS_TERMINATED}) {
    const v1::Supplier supplier = MakeSupplier("Blocked", status);
    absl::Status refused = Place(OrderFor(supplier, {{"BOLT", 1, 100}})).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(refused.message()), HasSubstr(supplier.name()));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 1);

  // An OPEN order of a supplier put on hold cannot be changed either.
  const v1::Supplier acme = MakeSupplier("Acme");
  absl::StatusOr<v1::PurchaseOrder> open = Place(OrderFor(acme, {{"BOLT", 1, 100}}));
  ASSERT_THAT(open, IsOk());
  ChangeStatus(acme, v1::SUPPLIER_STATUS_ON_HOLD);
  v1::UpdatePurchaseOrderRequest update;
  *update.mutable_purchase_order() = OrderFor(acme, {{"BOLT", 2, 100}});
  update.mutable_purchase_order()->set_name(open->name());
  update.mutable_update_mask()->add_paths("lines");
  v1::UpdatePurchaseOrderResponse updated;
  EXPECT_EQ(orders_.UpdatePurchaseOrder(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetOrder(open->name())->lines(0).quantity(), 1);
}

TEST_F(PurchaseOrderServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneOrder) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 100}});
  const v1::PurchaseOrder order = OrderFor(acme, {{"BOLT", 10, 0}}, contract.name());
  absl::StatusOr<v1::PurchaseOrder> first = Place(order, "po-1");
  ASSERT_THAT(first, IsOk());
  Advance(absl::Seconds(3));
  absl::StatusOr<v1::PurchaseOrder> replay = Place(order, "po-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 1);
  EXPECT_EQ(Ordered(contract, 0), 10);  // drawn once

  const v1::PurchaseOrder other = OrderFor(acme, {{"BOLT", 11, 0}}, contract.name());
  EXPECT_EQ(Place(other, "po-1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 1);
  EXPECT_EQ(Ordered(contract, 0), 10);
}

TEST_F(PurchaseOrderServiceMySqlTest, PricesComeFromTheContractTheOfferingOrTheBestOffering) {
  const v1::Supplier acme = MakeSupplier("Acme");
  InsertOffering(acme, "WASHER", 9, 1, "2024-01-01", "2024-12-31");
  InsertOffering(acme, "WASHER", 7, 100, "2024-01-01", "2024-12-31");
  InsertOffering(acme, "WASHER", 5, 1, "2023-01-01", "2023-12-31");
  absl::StatusOr<v1::PurchaseOrder> small = Place(OrderFor(acme, {{"WASHER", 10, 0}}));
  ASSERT_THAT(small, IsOk());
  EXPECT_EQ(small->lines(0).unit_price().amount_minor(), 9);
  EXPECT_EQ(small->lines(0).offering(), "offerings/1");
  EXPECT_EQ(small->lines(0).supplier_item_code(), "SUP-WASHER");
  absl::StatusOr<v1::PurchaseOrder> large = Place(OrderFor(acme, {{"WASHER", 100, 0}}));
  ASSERT_THAT(large, IsOk());
  EXPECT_EQ(large->lines(0).unit_price().amount_minor(), 7);
  EXPECT_EQ(large->total_amount().amount_minor(), 700);

  v1::PurchaseOrder named = OrderFor(acme, {{"WASHER", 10, 0}});
  named.mutable_lines(0)->set_offering("offerings/1");
  EXPECT_EQ(Place(named)->lines(0).unit_price().amount_minor(), 9);
  *named.mutable_lines(0)->mutable_unit_price() = Eur(8);
  EXPECT_THAT(std::string(Place(named).status().message()),
              HasSubstr("purchase_order.lines[0].unit_price"));
  named.mutable_lines(0)->clear_unit_price();
  named.mutable_lines(0)->set_item("BOLT");
  EXPECT_THAT(std::string(Place(named).status().message()),
              HasSubstr("purchase_order.lines[0].offering"));
  const v1::Supplier other = MakeSupplier("Other");
  v1::PurchaseOrder foreign = OrderFor(other, {{"WASHER", 10, 0}});
  foreign.mutable_lines(0)->set_offering("offerings/1");
  EXPECT_EQ(Place(foreign).status().code(), absl::StatusCode::kInvalidArgument);

  // Contract lines are priced at the agreed price; another price is refused.
  const v1::Contract contract = ActiveContract(acme, {{"WASHER", 4, 1000}});
  absl::StatusOr<v1::PurchaseOrder> contracted =
      Place(OrderFor(acme, {{"WASHER", 10, 0}}, contract.name()));
  ASSERT_THAT(contracted, IsOk());
  EXPECT_EQ(contracted->lines(0).unit_price().amount_minor(), 4);
  absl::Status wrong = Place(OrderFor(acme, {{"WASHER", 10, 9}}, contract.name())).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.message()), HasSubstr("0.04 EUR"));
  EXPECT_EQ(Place(OrderFor(acme, {{"NAIL", 1, 1}}, contract.name())).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A contract of another supplier does not take this supplier's orders.
  EXPECT_EQ(Place(OrderFor(other, {{"WASHER", 1, 0}}, contract.name())).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PurchaseOrderServiceMySqlTest, DrawDownToExactlyZeroThenOneMoreIsRejectedAndWritesNothing) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 100}, {"NUT", 10, 50}});
  ASSERT_THAT(Place(OrderFor(acme, {{"BOLT", 60, 0}, {"NUT", 50, 0}}, contract.name())), IsOk());
  ASSERT_THAT(Place(OrderFor(acme, {{"BOLT", 40, 0}}, contract.name())), IsOk());
  absl::StatusOr<v1::Contract> drawn = GetContract(contract.name());
  ASSERT_THAT(drawn, IsOk());
  EXPECT_EQ(drawn->lines(0).remaining_quantity(), 0);
  EXPECT_EQ(drawn->lines(1).remaining_quantity(), 0);
  EXPECT_EQ(drawn->ordered_amount().amount_minor(), 100 * 25 + 50 * 10);
  EXPECT_EQ(drawn->remaining_amount().amount_minor(), 0);

  const int64_t orders = Count("SELECT COUNT(*) FROM purchase_orders");
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_entries");
  absl::Status more = Place(OrderFor(acme, {{"BOLT", 1, 0}}, contract.name())).status();
  EXPECT_EQ(more.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(more.message()),
              HasSubstr(absl::StrCat(contract.name(),
                                     " line 1 (item \"BOLT\"): remaining 0, requested 1")));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), orders);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_order_lines"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), audits);
  absl::StatusOr<v1::Contract> after = GetContract(contract.name());
  EXPECT_EQ(after->SerializeAsString(), drawn->SerializeAsString());
}

TEST_F(PurchaseOrderServiceMySqlTest, ConcurrentOrdersAgainstOneContractLineNeverOverdraw) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 50}});
  constexpr int kThreads = 8;
  constexpr int kAttempts = 4;
  std::atomic<int> placed{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        common::CallContext call = call_;
        call.request_id = absl::StrCat("thread-", t, "-", i);
        v1::CreatePurchaseOrderRequest request;
        *request.mutable_purchase_order() = OrderFor(acme, {{"BOLT", 3, 0}}, contract.name());
        request.set_request_id(call.request_id);
        v1::CreatePurchaseOrderResponse response;
        absl::Status status = orders_.CreatePurchaseOrder(call, request, response);
        if (status.ok()) {
          ++placed;
        } else if (status.code() == absl::StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << status;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(placed.load(), 16);  // 16 × 3 = 48 of 50; the 17th would need 51
  EXPECT_EQ(refused.load(), kThreads * kAttempts - 16);
  EXPECT_EQ(Ordered(contract, 0), 48);
  EXPECT_EQ(Count("SELECT SUM(quantity) FROM purchase_order_lines"), 48);
  EXPECT_EQ(Count("SELECT ordered_minor FROM contracts"), 48 * 25);
}

TEST_F(PurchaseOrderServiceMySqlTest, ConcurrentOrdersAndCancelsKeepTheContractInStep) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 40}});
  std::vector<v1::PurchaseOrder> existing;
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<v1::PurchaseOrder> order =
        Place(OrderFor(acme, {{"BOLT", 5, 0}}, contract.name()));
    ASSERT_THAT(order, IsOk());
    existing.push_back(*order);
  }
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2; ++i) {
        v1::CancelPurchaseOrderRequest cancel;
        cancel.set_name(existing[t * 2 + i].name());
        cancel.set_reason("replanned");
        v1::CancelPurchaseOrderResponse cancelled;
        if (!orders_.CancelPurchaseOrder(call_, cancel, cancelled).ok()) ++unexpected;
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        v1::CreatePurchaseOrderRequest create;
        *create.mutable_purchase_order() = OrderFor(acme, {{"BOLT", 5, 0}}, contract.name());
        v1::CreatePurchaseOrderResponse created;
        absl::Status status = orders_.CreatePurchaseOrder(call_, create, created);
        if (!status.ok() && status.code() != absl::StatusCode::kFailedPrecondition) {
          ++unexpected;
          ADD_FAILURE() << status;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
  const int64_t live = Count(
      "SELECT COALESCE(SUM(l.quantity), 0) FROM purchase_order_lines l "
      "JOIN purchase_orders p ON p.id = l.purchase_order_id WHERE p.status <> 4");
  EXPECT_EQ(Ordered(contract, 0), live);
  EXPECT_LE(live, 40);
  EXPECT_EQ(Count("SELECT ordered_minor FROM contracts"), live * 25);
}

TEST_F(PurchaseOrderServiceMySqlTest, CancelGivesTheVolumeBackAndNeedsAReason) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 100}});
  absl::StatusOr<v1::PurchaseOrder> order =
      Place(OrderFor(acme, {{"BOLT", 70, 0}}, contract.name()));
  ASSERT_THAT(order, IsOk());
  EXPECT_EQ(Ordered(contract, 0), 70);
  EXPECT_EQ(Place(OrderFor(acme, {{"BOLT", 31, 0}}, contract.name())).status().code(),
            absl::StatusCode::kFailedPrecondition);

  EXPECT_EQ(Cancel(*order, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(Cancel(*order, std::string(1001, 'x')).status().message()),
              HasSubstr("reason"));
  v1::CancelPurchaseOrderRequest stale;
  stale.set_name(order->name());
  stale.set_reason("changed plans");
  stale.set_etag("7");
  v1::CancelPurchaseOrderResponse response;
  EXPECT_EQ(orders_.CancelPurchaseOrder(call_, stale, response).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Ordered(contract, 0), 70);

  absl::StatusOr<v1::PurchaseOrder> cancelled = Cancel(*order, "changed plans \xE2\x9C\x93");
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->status(), v1::PURCHASE_ORDER_STATUS_CANCELLED);
  EXPECT_EQ(cancelled->cancel_reason(), "changed plans \xE2\x9C\x93");
  EXPECT_EQ(Ordered(contract, 0), 0);
  EXPECT_EQ(GetContract(contract.name())->remaining_amount().amount_minor(), 2500);
  EXPECT_THAT(Place(OrderFor(acme, {{"BOLT", 100, 0}}, contract.name())), IsOk());
  absl::Status again = Cancel(*order).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.message()), HasSubstr("from status CANCELLED to CANCELLED"));
  EXPECT_THAT(AuditActions(order->name()), ElementsAre(crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
                                                       crm::common::v1::AUDIT_ACTION_CREATE));
  // create, activate, draw 70, give back 70, draw 100
  EXPECT_EQ(AuditActions(contract.name()).size(), 5u);
}

TEST_F(PurchaseOrderServiceMySqlTest, ConfirmDeliverAndInspectFollowTheStatusMachine) {
  const v1::Supplier acme = MakeSupplier("Acme");
  absl::StatusOr<v1::PurchaseOrder> order =
      Place(OrderFor(acme, {{"BOLT", 6, 100}, {"NUT", 4, 10}}));
  ASSERT_THAT(order, IsOk());
  absl::Status early = Deliver(*order, MakeDate(2024, 3, 1), 10, 0).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()), HasSubstr("from status OPEN to DELIVERED"));

  EXPECT_EQ(Confirm(*order, MakeDate(0, 0, 0)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(Confirm(*order, MakeDate(2024, 2, 28)).status().message()),
              HasSubstr("promised_delivery_date"));
  EXPECT_EQ(Confirm(*order, MakeDate(2024, 3, 5), "zz").status().code(),
            absl::StatusCode::kAborted);
  absl::StatusOr<v1::PurchaseOrder> confirmed =
      Confirm(*order, MakeDate(2024, 3, 5), order->etag());
  ASSERT_THAT(confirmed, IsOk());
  EXPECT_EQ(confirmed->status(), v1::PURCHASE_ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(Confirm(*order, MakeDate(2024, 3, 6)).status().code(),
            absl::StatusCode::kFailedPrecondition);

  Advance(absl::Hours(24 * 6));  // 2024-03-07
  // Quality cannot count more (or fewer) units than were delivered.
  const int64_t version = Count("SELECT version FROM purchase_orders");
  absl::Status too_many = Deliver(*order, MakeDate(2024, 3, 6), 9, 2).status();
  EXPECT_EQ(too_many.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_many.message()), HasSubstr("exceeds the 10 units delivered"));
  EXPECT_EQ(Deliver(*order, MakeDate(2024, 3, 6), 5, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(Deliver(*order, MakeDate(2024, 3, 8), 10, 0).status().message()),
              HasSubstr("in the future"));
  EXPECT_THAT(std::string(Deliver(*order, MakeDate(2024, 3, 6), 10, 0, 6).status().message()),
              HasSubstr("service_rating"));
  EXPECT_EQ(Count("SELECT version FROM purchase_orders"), version);
  EXPECT_EQ(GetOrder(order->name())->status(), v1::PURCHASE_ORDER_STATUS_CONFIRMED);

  absl::StatusOr<v1::PurchaseOrder> late = Deliver(*order, MakeDate(2024, 3, 6), 9, 1, 3);
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ(late->status(), v1::PURCHASE_ORDER_STATUS_DELIVERED);
  EXPECT_FALSE(late->on_time_delivery());
  EXPECT_EQ(late->actual_delivery_date().day(), 6);
  EXPECT_EQ(late->quality_result().accepted_quantity(), 9);
  EXPECT_EQ(late->quality_result().defective_quantity(), 1);
  EXPECT_EQ(late->quality_result().notes(), "inspected");
  EXPECT_TRUE(late->quality_result().has_inspect_time());
  EXPECT_EQ(late->service_rating(), 3);
  EXPECT_EQ(GetOrder(order->name())->SerializeAsString(), late->SerializeAsString());
  EXPECT_EQ(Cancel(*order).status().code(), absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<v1::PurchaseOrder> second = Place(OrderFor(acme, {{"BOLT", 2, 100}}));
  ASSERT_THAT(Confirm(*second, MakeDate(2024, 3, 10)), IsOk());
  absl::StatusOr<v1::PurchaseOrder> on_time = Deliver(*second, MakeDate(2024, 3, 7), 2, 0);
  ASSERT_THAT(on_time, IsOk());
  EXPECT_TRUE(on_time->on_time_delivery());
  EXPECT_THAT(AuditActions(order->name()), ElementsAre(crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
                                                       crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
                                                       crm::common::v1::AUDIT_ACTION_CREATE));
}

TEST_F(PurchaseOrderServiceMySqlTest, UpdateChangesAnOpenOrderAndMovesItsContractVolume) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract first = ActiveContract(acme, {{"BOLT", 25, 100}});
  const v1::Contract second = ActiveContract(acme, {{"BOLT", 20, 100}});
  absl::StatusOr<v1::PurchaseOrder> order = Place(OrderFor(acme, {{"BOLT", 30, 0}}, first.name()));
  ASSERT_THAT(order, IsOk());

  v1::UpdatePurchaseOrderRequest request;
  *request.mutable_purchase_order() = OrderFor(acme, {{"BOLT", 80, 0}}, first.name());
  request.mutable_purchase_order()->set_name(order->name());
  request.mutable_purchase_order()->set_etag(order->etag());
  request.mutable_update_mask()->add_paths("lines");
  v1::UpdatePurchaseOrderResponse updated;
  ASSERT_THAT(orders_.UpdatePurchaseOrder(call_, request, updated), IsOk());
  EXPECT_EQ(updated.purchase_order().total_amount().amount_minor(), 80 * 25);
  EXPECT_EQ(Ordered(first, 0), 80);
  EXPECT_EQ(orders_.UpdatePurchaseOrder(call_, request, updated).code(),
            absl::StatusCode::kAborted);

  // Over the remaining volume: refused, nothing changes.
  request.mutable_purchase_order()->set_etag("");
  request.mutable_purchase_order()->mutable_lines(0)->set_quantity(101);
  EXPECT_EQ(orders_.UpdatePurchaseOrder(call_, request, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Ordered(first, 0), 80);

  // Moving to another contract gives the volume back to the first.
  request.mutable_purchase_order()->mutable_lines(0)->set_quantity(50);
  request.mutable_purchase_order()->set_contract(second.name());
  request.mutable_update_mask()->add_paths("contract");
  ASSERT_THAT(orders_.UpdatePurchaseOrder(call_, request, updated), IsOk());
  EXPECT_EQ(updated.purchase_order().contract(), second.name());
  EXPECT_EQ(updated.purchase_order().lines(0).unit_price().amount_minor(), 20);
  EXPECT_EQ(Ordered(first, 0), 0);
  EXPECT_EQ(Ordered(second, 0), 50);

  v1::UpdatePurchaseOrderRequest date;
  date.mutable_purchase_order()->set_name(order->name());
  *date.mutable_purchase_order()->mutable_promised_delivery_date() = MakeDate(2024, 4, 1);
  date.mutable_update_mask()->add_paths("promised_delivery_date");
  ASSERT_THAT(orders_.UpdatePurchaseOrder(call_, date, updated), IsOk());
  EXPECT_EQ(updated.purchase_order().promised_delivery_date().month(), 4);
  EXPECT_EQ(updated.purchase_order().lines(0).quantity(), 50);

  v1::UpdatePurchaseOrderRequest status;
  status.mutable_purchase_order()->set_name(order->name());
  status.mutable_update_mask()->add_paths("status");
  EXPECT_EQ(orders_.UpdatePurchaseOrder(call_, status, updated).code(),
            absl::StatusCode::kInvalidArgument);
  v1::UpdatePurchaseOrderRequest unknown = date;
  unknown.mutable_purchase_order()->set_name("purchaseOrders/555");
  EXPECT_EQ(orders_.UpdatePurchaseOrder(call_, unknown, updated).code(),
            absl::StatusCode::kNotFound);

  ASSERT_THAT(Confirm(*order, MakeDate(2024, 4, 2)), IsOk());
  absl::Status confirmed = orders_.UpdatePurchaseOrder(call_, date, updated);
  EXPECT_EQ(confirmed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(confirmed.message()), HasSubstr("CONFIRMED"));
}

TEST_F(PurchaseOrderServiceMySqlTest, OrdersNeedAContractInForceOnTheOrderDate) {
  const v1::Supplier acme = MakeSupplier("Acme");
  absl::StatusOr<v1::Contract> draft = CreateContract(ContractFor(acme, {{"BOLT", 25, 100}}));
  ASSERT_THAT(draft, IsOk());
  EXPECT_EQ(Place(OrderFor(acme, {{"BOLT", 1, 0}}, draft->name())).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const v1::Contract active = ActiveContract(acme, {{"BOLT", 25, 100}});
  v1::TerminateContractRequest terminate;
  terminate.set_name(active.name());
  terminate.set_reason("ended");
  v1::TerminateContractResponse terminated;
  ASSERT_THAT(contracts_.TerminateContract(call_, terminate, terminated), IsOk());
  absl::Status ended = Place(OrderFor(acme, {{"BOLT", 1, 0}}, active.name())).status();
  EXPECT_EQ(ended.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(ended.message()), HasSubstr("TERMINATED"));

  const v1::Contract expiring = ActiveContract(acme, {{"BOLT", 25, 100}});
  Advance(absl::Hours(24 * 310));  // 2025-01-05
  absl::Status expired = Place(OrderFor(acme, {{"BOLT", 1, 0}}, expiring.name())).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(expired.message()), HasSubstr("EXPIRED"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 0);
}

TEST_F(PurchaseOrderServiceMySqlTest, BackDatedOrdersArePricedAndCheckedOnTheirOrderDate) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 100}});  // 2024 only
  absl::StatusOr<v1::PurchaseOrder> entered_today =
      Place(OrderFor(acme, {{"BOLT", 1, 0}}, contract.name()));
  ASSERT_THAT(entered_today, IsOk());
  EXPECT_EQ(common::FromDateMessage(entered_today->order_date()),
            (common::CalendarDate{2024, 3, 1}));  // unset: the day of creation

  Advance(absl::Hours(24 * 310));  // 2025-01-05: the contract's term is over
  v1::PurchaseOrder backdated = OrderFor(acme, {{"BOLT", 2, 0}}, contract.name());
  *backdated.mutable_order_date() = MakeDate(2024, 11, 20);
  absl::StatusOr<v1::PurchaseOrder> placed = Place(backdated);
  ASSERT_THAT(placed, IsOk());  // in force on its order date
  EXPECT_EQ(common::FromDateMessage(placed->order_date()), (common::CalendarDate{2024, 11, 20}));
  EXPECT_EQ(placed->lines(0).unit_price().amount_minor(), 25);  // the contract's price
  EXPECT_EQ(GetOrder(placed->name())->order_date().day(), 20);
  absl::StatusOr<v1::Contract> drawn = GetContract(contract.name());
  ASSERT_THAT(drawn, IsOk());
  EXPECT_EQ(drawn->lines(0).ordered_quantity(), 3);

  absl::Status early = Confirm(*placed, MakeDate(2024, 11, 19)).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(early.message()), HasSubstr("before the order date 2024-11-20"));
  absl::StatusOr<v1::PurchaseOrder> confirmed = Confirm(*placed, MakeDate(2024, 12, 1));
  ASSERT_THAT(confirmed, IsOk());
  absl::StatusOr<v1::PurchaseOrder> delivered = Deliver(*confirmed, MakeDate(2024, 11, 30), 2, 0);
  ASSERT_THAT(delivered, IsOk());
  EXPECT_TRUE(delivered->on_time_delivery());

  for (const auto& [date, message] : std::vector<std::pair<crm::common::v1::Date, std::string>>{
           {MakeDate(2025, 1, 6), "purchase_order.order_date: 2025-01-06 is in the future"},
           {MakeDate(2015, 1, 4), "purchase_order.order_date: 2015-01-04 is more than 10 years"},
           {MakeDate(2024, 2, 30), "purchase_order.order_date"}}) {
    v1::PurchaseOrder order = OrderFor(acme, {{"BOLT", 1, 0}}, contract.name());
    *order.mutable_order_date() = date;
    absl::Status status = Place(order).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(message));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_orders"), 2);

  EXPECT_THAT(ListNumbers("order_date >= \"2024-06-01\"", ""), ElementsAre(placed->po_number()));
  EXPECT_THAT(ListNumbers("", "order_date desc"),
              ElementsAre(placed->po_number(), entered_today->po_number()));

  v1::UpdatePurchaseOrderRequest update;
  *update.mutable_purchase_order() = *entered_today;
  *update.mutable_purchase_order()->mutable_order_date() = MakeDate(2024, 2, 1);
  update.mutable_update_mask()->add_paths("order_date");
  v1::UpdatePurchaseOrderResponse updated;
  absl::Status immutable = orders_.UpdatePurchaseOrder(call_, update, updated);
  EXPECT_EQ(immutable.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(immutable.message()), HasSubstr("order_date"));
}

TEST_F(PurchaseOrderServiceMySqlTest, ListPagesFiltersAndOrders) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Supplier bolt = MakeSupplier("Bolt");
  const v1::Contract contract = ActiveContract(acme, {{"BOLT", 25, 1000}});
  std::vector<v1::PurchaseOrder> placed;
  auto place = [&](const v1::PurchaseOrder& order) {
    absl::StatusOr<v1::PurchaseOrder> result = Place(order);
    ASSERT_THAT(result, IsOk());
    placed.push_back(*result);
    Advance(absl::Seconds(1));
  };
  place(OrderFor(acme, {{"BOLT", 4, 0}}, contract.name()));  // PO-1: 100
  place(OrderFor(bolt, {{"NUT", 1, 300}}));                  // PO-2: 300
  place(OrderFor(acme, {{"NUT", 1, 50}, {"BOLT", 1, 20}}));  // PO-3: 70
  place(OrderFor(bolt, {{"BOLT", 2, 1000}}));                // PO-4: 2000
  place(OrderFor(acme, {{"WASHER", 1, 5}}));                 // PO-5: 5
  ASSERT_THAT(Confirm(placed[1], MakeDate(2024, 3, 9)), IsOk());
  ASSERT_THAT(Confirm(placed[3], MakeDate(2024, 3, 2)), IsOk());
  ASSERT_THAT(Deliver(placed[3], MakeDate(2024, 3, 1), 2, 0), IsOk());

  EXPECT_THAT(ListNumbers("", ""),
              ElementsAre("PO-000005", "PO-000004", "PO-000003", "PO-000002", "PO-000001"));
  EXPECT_THAT(ListNumbers("", "create_time"),
              ElementsAre("PO-000001", "PO-000002", "PO-000003", "PO-000004", "PO-000005"));
  EXPECT_THAT(ListNumbers("", "total_amount.amount_minor desc"),
              ElementsAre("PO-000004", "PO-000002", "PO-000001", "PO-000003", "PO-000005"));
  EXPECT_THAT(ListNumbers("", "promised_delivery_date desc"),
              ElementsAre("PO-000002", "PO-000004", "PO-000005", "PO-000003", "PO-000001"));
  EXPECT_THAT(ListNumbers(absl::StrCat("supplier = ", bolt.name()), ""),
              ElementsAre("PO-000004", "PO-000002"));
  EXPECT_THAT(ListNumbers(absl::StrCat("contract = ", contract.name()), ""),
              ElementsAre("PO-000001"));
  EXPECT_THAT(ListNumbers("lines.item = \"BOLT\"", "create_time"),
              ElementsAre("PO-000001", "PO-000003", "PO-000004"));
  EXPECT_THAT(ListNumbers("status = OPEN AND lines.item != \"BOLT\"", ""),
              ElementsAre("PO-000005"));
  EXPECT_THAT(ListNumbers("on_time_delivery = true", ""), ElementsAre("PO-000004"));
  EXPECT_THAT(ListNumbers("actual_delivery_date <= 2024-03-01", ""), ElementsAre("PO-000004"));
  EXPECT_THAT(ListNumbers("create_time >= \"2024-03-01T09:00:02Z\"", "create_time"),
              ElementsAre("PO-000003", "PO-000004", "PO-000005"));

  v1::ListPurchaseOrdersRequest bad;
  bad.set_filter("amount > 5");
  v1::ListPurchaseOrdersResponse response;
  EXPECT_EQ(orders_.ListPurchaseOrders(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListPurchaseOrdersRequest first;
  first.set_page_size(2);
  ASSERT_THAT(orders_.ListPurchaseOrders(call_, first, response), IsOk());
  v1::ListPurchaseOrdersRequest other;
  other.set_page_token(response.next_page_token());
  other.set_order_by("create_time");
  EXPECT_EQ(orders_.ListPurchaseOrders(call_, other, response).code(),
            absl::StatusCode::kInvalidArgument);
  other.set_order_by("");
  other.set_page_token("garbage");
  EXPECT_EQ(orders_.ListPurchaseOrders(call_, other, response).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::supplier
