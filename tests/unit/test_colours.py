"""Brand colours are held to WCAG 2.2 AA against white, by the standard's own arithmetic."""

from __future__ import annotations

import pytest

from server.core.colours import contrast, readable_with_white


def test_contrast_of_black_and_white_is_21_and_symmetric():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#000000") == contrast("#000000", "#ffffff")
    assert contrast("#123456", "#123456") == pytest.approx(1.0)


@pytest.mark.parametrize("colour, readable", [
    ("#1a7f37", True),   # green that passes (5.1:1)
    ("#767676", True),   # the lightest grey that passes (4.54:1)
    ("#777777", False),  # one step lighter fails (4.48:1)
    ("#ffcc00", False),  # yellow: unreadable with white text
    ("#0B57D0", True),
])
def test_readable_with_white(colour, readable):
    assert readable_with_white(colour) is readable
