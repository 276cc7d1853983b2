"""The catalog's use cases, one handler each."""

from __future__ import annotations

from tessera.application.catalog.commands import DiscontinueProduct, ListProduct, RepriceProduct
from tessera.application.catalog.queries import GetProduct, ListProducts, ProductView
from tessera.application.catalog.unit_of_work import CatalogUnitOfWork
from tessera.application.shared.bus import Handlers, use_cases
from tessera.application.shared.outcome import Outcome
from tessera.domain.catalog.product import Product
from tessera.domain.catalog.rules import SkuIsListedOnce
from tessera.domain.shared.errors import NotFound
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money
from tessera.domain.shared.rules import check_rule


def list_product(command: ListProduct, uow: CatalogUnitOfWork) -> ProductView:
    sku = Sku(command.sku)
    with uow:
        known = uow.products.get(sku)
        check_rule(SkuIsListedOnce(sku, known is not None, bool(known and known.is_discontinued)))
        product = Product.list(sku, command.name, Money.of(command.price, command.currency))
        uow.products.add(product)
        uow.commit()
        return ProductView.of(product)


def reprice_product(command: RepriceProduct, uow: CatalogUnitOfWork) -> ProductView:
    with uow:
        product = _existing(uow, command.sku)
        currency = command.currency or product.price.currency
        product.reprice(Money.of(command.price, currency))
        uow.commit()
        return ProductView.of(product)


def discontinue_product(
    command: DiscontinueProduct, uow: CatalogUnitOfWork
) -> Outcome[ProductView]:
    with uow:
        product = _existing(uow, command.sku)
        changed = product.discontinue()
        uow.commit()
        return Outcome(ProductView.of(product), changed)


def get_product(query: GetProduct, uow: CatalogUnitOfWork) -> ProductView:
    with uow:
        return ProductView.of(_existing(uow, query.sku))


def list_products(query: ListProducts, uow: CatalogUnitOfWork) -> list[ProductView]:
    with uow:
        return [ProductView.of(p) for p in sorted(uow.products.all(), key=lambda p: p.sku)]


def _existing(uow: CatalogUnitOfWork, sku: str) -> Product:
    product = uow.products.get(Sku(sku))
    if product is None:
        raise NotFound(f"no product with SKU {sku}")
    return product


def catalog_handlers(uow: CatalogUnitOfWork) -> Handlers:
    """Every catalog command and query, bound to the catalog's unit of work."""
    return use_cases(
        uow, list_product, reprice_product, discontinue_product, get_product, list_products
    )
