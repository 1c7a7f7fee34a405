mod fixture;
mod his;
mod pharmacy;
mod report;
mod worklists;
mod workspace;
