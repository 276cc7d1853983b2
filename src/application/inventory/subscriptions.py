"""What inventory does when other contexts announce something.

Each reaction runs inside the consumer's unit of work, which records the message in the
inbox and commits; reactions tolerate redelivery and messages arriving out of order.
"""

from __future__ import annotations

from application.contracts.catalog import ProductDiscontinued, ProductListed
from application.inventory.unit_of_work import InventoryUnitOfWork
from application.shared.bus import Reactions
from domain.inventory.catalogue import CataloguedProduct
from domain.shared.identifiers import Sku


def on_product_listed(event: ProductListed, uow: InventoryUnitOfWork) -> None:
    sku = Sku(event.sku)
    if uow.catalogue.get(sku) is None:
        uow.catalogue.add(CataloguedProduct(sku))


def on_product_discontinued(event: ProductDiscontinued, uow: InventoryUnitOfWork) -> None:
    sku = Sku(event.sku)
    known = uow.catalogue.get(sku)
    if known is None:  # the discontinuation overtook the listing
        uow.catalogue.add(CataloguedProduct(sku, discontinued=True))
    else:
        known.discontinued = True


def inventory_reactions() -> Reactions[InventoryUnitOfWork]:
    return {ProductListed: on_product_listed, ProductDiscontinued: on_product_discontinued}
