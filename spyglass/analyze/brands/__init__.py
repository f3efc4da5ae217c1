"""Which brands a page presents itself as: ``signals`` (title, headings, logos, text),
``lookalikes`` (host names imitating a brand's domains) and ``match`` (one ``BrandMatch`` per
brand, owned or not). The brand list itself is reference data: ``refdata.brands``.
"""
