"""Excel in and out: the plan as a workbook (export, import as one applyChanges batch), the units'
填报表 and the 状态数据采集平台 bridge — read and written with openpyxl's streaming modes."""
