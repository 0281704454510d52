// PurchaseService with the MySQL repository on a fresh TestDatabase.
#include <string>
#include <vector>

#include "tests/customer_svc/mysql/v005_fixture.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PurchaseMySqlTest : public V005Test {
 protected:
  v1::Purchase Draft(const std::string& sku, int64_t quantity, int64_t unit_minor,
                     const std::string& currency = "EUR",
                     const std::string& supplier = "suppliers/1") {
    v1::Purchase purchase;
    purchase.set_sku(sku);
    purchase.set_quantity(quantity);
    purchase.mutable_unit_price()->set_amount_minor(unit_minor);
    purchase.mutable_unit_price()->set_currency_code(currency);
    purchase.set_supplier(supplier);
    return purchase;
  }

  absl::StatusOr<v1::Purchase> Create(const std::string& customer, const v1::Purchase& purchase,
                                      const std::string& request_id = "") {
    v1::CreatePurchaseRequest request;
    request.set_parent(customer);
    *request.mutable_purchase() = purchase;
    request.set_request_id(request_id);
    v1::CreatePurchaseResponse response;
    absl::Status status = purchases_.CreatePurchase(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.purchase();
  }

  v1::Purchase MustCreate(const std::string& customer, const v1::Purchase& purchase) {
    absl::StatusOr<v1::Purchase> created = Create(customer, purchase);
    EXPECT_THAT(created, IsOk());
    return created.ok() ? *created : v1::Purchase();
  }

  v1::Purchase Get(const std::string& name) {
    v1::GetPurchaseRequest request;
    request.set_name(name);
    v1::GetPurchaseResponse response;
    EXPECT_THAT(purchases_.GetPurchase(call_, request, response), IsOk());
    return response.purchase();
  }

  absl::Status Update(const v1::Purchase& purchase, const std::vector<std::string>& paths,
                      v1::Purchase* result = nullptr) {
    v1::UpdatePurchaseRequest request;
    *request.mutable_purchase() = purchase;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::UpdatePurchaseResponse response;
    absl::Status status = purchases_.UpdatePurchase(call_, request, response);
    if (result != nullptr) *result = response.purchase();
    return status;
  }

  std::vector<std::string> ListAll(const std::string& parent, const std::string& order_by = "",
                                   const std::string& filter = "", bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    int pages = 0;
    do {
      v1::ListPurchasesRequest request;
      request.set_parent(parent);
      request.set_page_size(2);
      request.set_page_token(token);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      v1::ListPurchasesResponse response;
      absl::Status status = purchases_.ListPurchases(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.purchases_size(), 2);
      for (const v1::Purchase& p : response.purchases()) names.push_back(p.name());
      token = response.next_page_token();
    } while (!token.empty() && ++pages < 100);
    return names;
  }

  absl::StatusOr<v1::ReplacePurchaseSupplierResponse> Replace(const std::string& from,
                                                              const std::string& to,
                                                              const std::string& request_id,
                                                              bool record_interactions = false) {
    v1::ReplacePurchaseSupplierRequest request;
    request.set_from_supplier(from);
    request.set_to_supplier(to);
    request.set_request_id(request_id);
    request.set_record_interactions(record_interactions);
    request.set_reference("consolidations/3");
    v1::ReplacePurchaseSupplierResponse response;
    absl::Status status = purchases_.ReplacePurchaseSupplier(call_, request, response);
    if (!status.ok()) return status;
    return response;
  }
};

TEST_F(PurchaseMySqlTest, CreateComputesTheAmountAndGetReturnsItVerbatim) {
  const std::string customer = NewCustomer("Acme");
  v1::Purchase draft = Draft("SKU'); DROP TABLE purchases; --", 3, 1250);
  draft.set_description(std::string(300, 'x') + "Ünïcødé ✓ 日本語");
  draft.set_order_reference("ORD-1");
  draft.mutable_price_rule()->set_kind(v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  draft.mutable_price_rule()->set_rule("tierDiscounts/4");
  draft.mutable_price_rule()->set_description("GOLD tier discount 5% on list price");
  draft.mutable_amount()->set_amount_minor(1);  // output only: ignored
  draft.set_original_supplier("suppliers/99");  // output only: ignored
  v1::Purchase created = MustCreate(customer, draft);
  EXPECT_THAT(created.name(), HasSubstr(customer + "/purchases/"));
  EXPECT_EQ(created.amount().amount_minor(), 3750);
  EXPECT_EQ(created.amount().currency_code(), "EUR");
  EXPECT_EQ(created.status(), v1::PURCHASE_STATUS_OPEN);
  EXPECT_EQ(created.original_supplier(), "");
  EXPECT_TRUE(created.has_purchase_time());
  EXPECT_FALSE(created.etag().empty());
  v1::Purchase got = Get(created.name());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(got.sku(), "SKU'); DROP TABLE purchases; --");
  EXPECT_EQ(got.description(), draft.description());
  EXPECT_EQ(got.price_rule().rule(), "tierDiscounts/4");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource = '" + created.name() + "'"),
            1);

  v1::GetPurchaseRequest missing;
  missing.set_name(customer + "/purchases/999999");
  v1::GetPurchaseResponse response;
  absl::Status status = purchases_.GetPurchase(call_, missing, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("purchases/999999"));
  missing.set_name("customers/1/orders/2");
  EXPECT_EQ(purchases_.GetPurchase(call_, missing, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PurchaseMySqlTest, CreateRejectsBadFieldsNamingThem) {
  const std::string customer = NewCustomer("Acme");
  struct Case {
    std::string field;
    v1::Purchase purchase;
  };
  std::vector<Case> cases;
  cases.push_back({"purchase.sku", Draft("", 1, 100)});
  cases.push_back({"purchase.quantity", Draft("A", 0, 100)});
  cases.push_back({"purchase.unit_price", Draft("A", 1, 100, "EURO")});
  cases.push_back({"purchase.unit_price.amount_minor", Draft("A", 1, -5)});
  cases.push_back({"purchase.supplier", Draft("A", 1, 100, "EUR", "vendors/1")});
  cases.push_back({"purchase.supplier", Draft("A", 1, 100, "EUR", "")});
  v1::Purchase no_price = Draft("A", 1, 100);
  no_price.clear_unit_price();
  cases.push_back({"purchase.unit_price", no_price});
  v1::Purchase bad_status = Draft("A", 1, 100);
  bad_status.set_status(static_cast<v1::PurchaseStatus>(42));
  cases.push_back({"purchase.status", bad_status});
  v1::Purchase long_description = Draft("A", 1, 100);
  long_description.set_description(std::string(10 * 1024, 'd'));
  cases.push_back({"purchase.description", long_description});
  v1::Purchase overflow = Draft("A", 1000000000, 9000000000000);
  cases.push_back({"purchase.quantity", overflow});
  v1::Purchase bad_rule = Draft("A", 1, 100);
  bad_rule.mutable_price_rule()->set_rule("not a name");
  cases.push_back({"purchase.price_rule.rule", bad_rule});
  for (const Case& c : cases) {
    absl::StatusOr<v1::Purchase> created = Create(customer, c.purchase);
    ASSERT_FALSE(created.ok()) << c.field;
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(created.status().message()), HasSubstr(c.field + ":")) << c.field;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchases"), 0);

  absl::StatusOr<v1::Purchase> unknown = Create("customers/424242", Draft("A", 1, 100));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("customers/424242"));
  EXPECT_EQ(Create("suppliers/1", Draft("A", 1, 100)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string gone = NewCustomer("Gone");
  ASSERT_THAT(DeleteCustomer(gone), IsOk());
  EXPECT_EQ(Create(gone, Draft("A", 1, 100)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PurchaseMySqlTest, CreateReplayReturnsTheFirstPurchaseAndCreatesOne) {
  const std::string customer = NewCustomer("Acme");
  absl::StatusOr<v1::Purchase> first = Create(customer, Draft("A", 2, 100), "buy-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Purchase> replay = Create(customer, Draft("A", 2, 100), "buy-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchases"), 1);
  absl::StatusOr<v1::Purchase> other = Create(customer, Draft("B", 2, 100), "buy-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchases"), 1);
}

TEST_F(PurchaseMySqlTest, UpdateChangesOnlyMaskedFieldsAndFollowsTheStatusRules) {
  const std::string customer = NewCustomer("Acme");
  v1::Purchase draft = Draft("A", 2, 100);
  draft.set_description("kept");
  v1::Purchase created = MustCreate(customer, draft);

  v1::Purchase patch;
  patch.set_name(created.name());
  patch.set_etag(created.etag());
  patch.set_quantity(5);
  patch.set_description("ignored: outside the mask");
  v1::Purchase updated;
  ASSERT_THAT(Update(patch, {"quantity"}, &updated), IsOk());
  EXPECT_EQ(updated.quantity(), 5);
  EXPECT_EQ(updated.amount().amount_minor(), 500);
  EXPECT_EQ(updated.description(), "kept");
  EXPECT_NE(updated.etag(), created.etag());

  // The old etag is stale now.
  patch.set_status(v1::PURCHASE_STATUS_FULFILLED);
  EXPECT_EQ(Update(patch, {"status"}).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(created.name()).status(), v1::PURCHASE_STATUS_OPEN);

  patch.set_etag(updated.etag());
  ASSERT_THAT(Update(patch, {"status"}, &updated), IsOk());
  EXPECT_EQ(updated.status(), v1::PURCHASE_STATUS_FULFILLED);

  patch.set_etag(updated.etag());
  patch.set_status(v1::PURCHASE_STATUS_OPEN);
  absl::Status back = Update(patch, {"status"});
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(back.message()), HasSubstr("PURCHASE_STATUS_FULFILLED"));
  EXPECT_THAT(std::string(back.message()), HasSubstr("PURCHASE_STATUS_OPEN"));
  patch.set_status(v1::PURCHASE_STATUS_CANCELLED);
  EXPECT_EQ(Update(patch, {"status"}).code(), absl::StatusCode::kFailedPrecondition);
  patch.set_status(v1::PURCHASE_STATUS_RETURNED);
  ASSERT_THAT(Update(patch, {"status"}, &updated), IsOk());
  EXPECT_EQ(updated.status(), v1::PURCHASE_STATUS_RETURNED);

  patch.set_etag(updated.etag());
  absl::Status immutable = Update(patch, {"amount"});
  EXPECT_EQ(immutable.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(immutable.message()), HasSubstr("update_mask"));
  EXPECT_EQ(Update(patch, {"no_such_field"}).code(), absl::StatusCode::kInvalidArgument);
  patch.set_quantity(0);
  absl::Status invalid = Update(patch, {"quantity"});
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(invalid.message()), HasSubstr("purchase.quantity"));
  patch.set_name(customer + "/purchases/987654");
  EXPECT_EQ(Update(patch, {"sku"}).code(), absl::StatusCode::kNotFound);
  // create + 3 successful updates
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource = '" + created.name() + "'"),
            4);
}

TEST_F(PurchaseMySqlTest, DeleteHidesFromListAndUndeleteRestores) {
  const std::string customer = NewCustomer("Acme");
  v1::Purchase keep = MustCreate(customer, Draft("A", 1, 100));
  v1::Purchase drop = MustCreate(customer, Draft("B", 1, 100));
  v1::DeletePurchaseRequest remove;
  remove.set_name(drop.name());
  remove.set_etag(keep.etag() == drop.etag() ? "zz" : keep.etag());
  v1::DeletePurchaseResponse removed;
  remove.set_etag("zz");  // stale
  EXPECT_EQ(purchases_.DeletePurchase(call_, remove, removed).code(), absl::StatusCode::kAborted);
  remove.set_etag(drop.etag());
  ASSERT_THAT(purchases_.DeletePurchase(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.purchase().has_delete_time());
  EXPECT_THAT(ListAll(customer), ElementsAre(keep.name()));
  EXPECT_THAT(ListAll(customer, "", "", /*show_deleted=*/true),
              ElementsAre(drop.name(), keep.name()));
  remove.set_etag("");
  EXPECT_EQ(purchases_.DeletePurchase(call_, remove, removed).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::Purchase patch = removed.purchase();
  EXPECT_EQ(Update(patch, {"sku"}).code(), absl::StatusCode::kFailedPrecondition);

  v1::UndeletePurchaseRequest restore;
  restore.set_name(drop.name());
  restore.set_etag(removed.purchase().etag());
  v1::UndeletePurchaseResponse restored;
  ASSERT_THAT(purchases_.UndeletePurchase(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.purchase().has_delete_time());
  EXPECT_THAT(ListAll(customer), ElementsAre(drop.name(), keep.name()));
  EXPECT_EQ(purchases_.UndeletePurchase(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PurchaseMySqlTest, ListPagesSortsAndFilters) {
  const std::string a = NewCustomer("A");
  const std::string b = NewCustomer("B");
  std::vector<std::string> created;
  const int64_t prices[] = {500, 100, 300, 200, 400};
  for (int i = 0; i < 5; ++i) {
    v1::Purchase draft = Draft(i % 2 == 0 ? "WIDGET-" + std::to_string(i) : "GADGET", 1, prices[i],
                               "EUR", i < 3 ? "suppliers/1" : "suppliers/2");
    created.push_back(MustCreate(i == 4 ? b : a, draft).name());
  }
  // Default: purchase_time desc.
  EXPECT_THAT(ListAll(a), ElementsAre(created[3], created[2], created[1], created[0]));
  EXPECT_THAT(ListAll("customers/-"),
              ElementsAre(created[4], created[3], created[2], created[1], created[0]));
  EXPECT_THAT(ListAll("customers/-", "amount.amount_minor"),
              ElementsAre(created[1], created[3], created[2], created[4], created[0]));
  EXPECT_THAT(ListAll("customers/-", "purchase_time"),
              ElementsAre(created[0], created[1], created[2], created[3], created[4]));
  EXPECT_THAT(ListAll("customers/-", "", "sku = \"WIDGET*\""),
              ElementsAre(created[4], created[2], created[0]));
  EXPECT_THAT(ListAll("customers/-", "", "supplier = suppliers/2"),
              ElementsAre(created[4], created[3]));
  EXPECT_THAT(ListAll(a, "", "status = OPEN AND sku = GADGET"),
              ElementsAre(created[3], created[1]));

  v1::ListPurchasesRequest request;
  request.set_parent("customers/-");
  request.set_page_size(2);
  v1::ListPurchasesResponse page;
  ASSERT_THAT(purchases_.ListPurchases(call_, request, page), IsOk());
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  request.set_filter("sku = GADGET");  // another query: the token does not fit
  EXPECT_EQ(purchases_.ListPurchases(call_, request, page).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("");
  request.set_page_token("garbage");
  EXPECT_EQ(purchases_.ListPurchases(call_, request, page).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_token("");
  request.set_order_by("sku");
  absl::Status order = purchases_.ListPurchases(call_, request, page);
  EXPECT_EQ(order.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(order.message()), HasSubstr("order_by"));
  request.set_order_by("");
  request.set_filter("colour = red");
  EXPECT_EQ(purchases_.ListPurchases(call_, request, page).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("");
  request.set_parent("customers/abc");
  absl::Status parent = purchases_.ListPurchases(call_, request, page);
  EXPECT_EQ(parent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parent.message()), HasSubstr("parent"));
}

TEST_F(PurchaseMySqlTest, ReplaceSupplierMovesOnlyOpenPurchasesOfThatSupplierAndReplayIsANoOp) {
  const std::string a = NewCustomer("A", v1::LIFECYCLE_STAGE_UNSPECIFIED, "employees/7");
  const std::string b = NewCustomer("B");
  v1::Purchase open_a = MustCreate(a, Draft("A", 1, 100, "EUR", "suppliers/1"));
  v1::Purchase open_b = MustCreate(b, Draft("B", 1, 100, "EUR", "suppliers/1"));
  v1::Purchase fulfilled_draft = Draft("C", 1, 100, "EUR", "suppliers/1");
  fulfilled_draft.set_status(v1::PURCHASE_STATUS_FULFILLED);
  v1::Purchase fulfilled = MustCreate(a, fulfilled_draft);
  v1::Purchase other_supplier = MustCreate(a, Draft("D", 1, 100, "EUR", "suppliers/2"));

  absl::StatusOr<v1::ReplacePurchaseSupplierResponse> first =
      Replace("suppliers/1", "suppliers/3", "consolidate-1", /*record_interactions=*/true);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->repointed_purchase_count(), 2);
  EXPECT_THAT(first->affected_customers(), ElementsAre(a, b));
  ASSERT_EQ(first->interactions_size(), 2);
  EXPECT_THAT(first->interactions(0), HasSubstr(a + "/interactions/"));

  v1::Purchase moved = Get(open_a.name());
  EXPECT_EQ(moved.supplier(), "suppliers/3");
  EXPECT_EQ(moved.original_supplier(), "suppliers/1");
  EXPECT_NE(moved.etag(), open_a.etag());
  EXPECT_EQ(Get(open_b.name()).supplier(), "suppliers/3");
  EXPECT_EQ(Get(fulfilled.name()).supplier(), "suppliers/1");
  EXPECT_EQ(Get(fulfilled.name()).original_supplier(), "");
  EXPECT_EQ(Get(other_supplier.name()).supplier(), "suppliers/2");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions WHERE employee = 'employees/7'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource LIKE '%/interactions/%' "
                  "AND actor = 'sales' AND request_id = 'req-1'"),
            2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE action = 8"), 2);  // CONSOLIDATE

  // Replay: same answer, nothing changes again.
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_entries");
  absl::StatusOr<v1::ReplacePurchaseSupplierResponse> replay =
      Replace("suppliers/1", "suppliers/3", "consolidate-1", true);
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Get(open_a.name()).etag(), moved.etag());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM interactions"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), audits);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM purchase_supplier_replacements"), 1);

  // Same request_id with another body.
  EXPECT_EQ(Replace("suppliers/2", "suppliers/3", "consolidate-1").status().code(),
            absl::StatusCode::kAlreadyExists);
  // A fresh run finds nothing left to move.
  absl::StatusOr<v1::ReplacePurchaseSupplierResponse> again =
      Replace("suppliers/1", "suppliers/3", "consolidate-2");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->repointed_purchase_count(), 0);
  EXPECT_TRUE(again->affected_customers().empty());
  // Moving on keeps the supplier at purchase time.
  absl::StatusOr<v1::ReplacePurchaseSupplierResponse> onward =
      Replace("suppliers/3", "suppliers/4", "consolidate-3");
  ASSERT_THAT(onward, IsOk());
  EXPECT_EQ(Get(open_a.name()).original_supplier(), "suppliers/1");

  absl::Status same = Replace("suppliers/4", "suppliers/4", "").status();
  EXPECT_EQ(same.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(same.message()), HasSubstr("to_supplier"));
  EXPECT_THAT(std::string(Replace("supplier/4", "suppliers/5", "").status().message()),
              HasSubstr("from_supplier"));
}

TEST_F(PurchaseMySqlTest, SupplierDependentCustomersSumsOpenAmountsPerCurrencyAndPages) {
  const std::string a = NewCustomer("Alpha", v1::LIFECYCLE_STAGE_UNSPECIFIED, "employees/7");
  const std::string b = NewCustomer("Beta");
  const std::string c = NewCustomer("Gamma");
  MustCreate(a, Draft("A", 2, 100, "EUR", "suppliers/1"));
  MustCreate(a, Draft("A", 1, 50, "EUR", "suppliers/1"));
  MustCreate(a, Draft("A", 1, 700, "USD", "suppliers/1"));
  MustCreate(a, Draft("A", 1, 10, "EUR", "suppliers/2"));
  MustCreate(b, Draft("B", 1, 999, "EUR", "suppliers/2"));
  v1::Purchase closed = Draft("C", 1, 5, "EUR", "suppliers/1");
  closed.set_status(v1::PURCHASE_STATUS_FULFILLED);
  MustCreate(c, closed);
  MustCreate(c, Draft("C", 1, 5, "EUR", "suppliers/9"));

  v1::ListSupplierDependentCustomersRequest request;
  request.add_suppliers("suppliers/1");
  request.add_suppliers("suppliers/2");
  request.set_page_size(2);
  v1::ListSupplierDependentCustomersResponse page;
  ASSERT_THAT(purchases_.ListSupplierDependentCustomers(call_, request, page), IsOk());
  ASSERT_EQ(page.dependent_customers_size(), 2);
  const v1::SupplierDependentCustomer& first = page.dependent_customers(0);
  EXPECT_EQ(first.customer(), a);
  EXPECT_EQ(first.customer_display_name(), "Alpha");
  EXPECT_EQ(first.account_manager(), "employees/7");
  EXPECT_EQ(first.supplier(), "suppliers/1");
  EXPECT_EQ(first.open_purchase_count(), 3);
  ASSERT_EQ(first.open_amounts_size(), 2);
  EXPECT_EQ(first.open_amounts(0).currency_code(), "EUR");
  EXPECT_EQ(first.open_amounts(0).amount_minor(), 250);
  EXPECT_EQ(first.open_amounts(1).currency_code(), "USD");
  EXPECT_EQ(first.open_amounts(1).amount_minor(), 700);
  EXPECT_EQ(page.dependent_customers(1).supplier(), "suppliers/2");
  EXPECT_EQ(page.dependent_customers(1).open_amounts(0).amount_minor(), 10);
  ASSERT_FALSE(page.next_page_token().empty());

  request.set_page_token(page.next_page_token());
  v1::ListSupplierDependentCustomersResponse second;
  ASSERT_THAT(purchases_.ListSupplierDependentCustomers(call_, request, second), IsOk());
  ASSERT_EQ(second.dependent_customers_size(), 1);
  EXPECT_EQ(second.dependent_customers(0).customer(), b);
  EXPECT_EQ(second.dependent_customers(0).open_amounts(0).amount_minor(), 999);
  EXPECT_TRUE(second.next_page_token().empty());

  // Closed purchases count only when asked.
  v1::ListSupplierDependentCustomersRequest closed_request;
  closed_request.add_suppliers("suppliers/1");
  closed_request.set_include_closed(true);
  v1::ListSupplierDependentCustomersResponse with_closed;
  ASSERT_THAT(purchases_.ListSupplierDependentCustomers(call_, closed_request, with_closed),
              IsOk());
  ASSERT_EQ(with_closed.dependent_customers_size(), 2);
  EXPECT_EQ(with_closed.dependent_customers(1).customer(), c);

  v1::ListSupplierDependentCustomersRequest empty;
  absl::Status none = purchases_.ListSupplierDependentCustomers(call_, empty, page);
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.message()), HasSubstr("suppliers"));
  empty.add_suppliers("suppliers/1");
  empty.add_suppliers("partners/1");
  absl::Status bad = purchases_.ListSupplierDependentCustomers(call_, empty, page);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("suppliers[1]"));
}

}  // namespace
}  // namespace crm::customer
