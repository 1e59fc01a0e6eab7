/** The backend SPI: {@link dev.baton.spi.LeaseStore} and its {@link java.util.ServiceLoader}-discovered {@link dev.baton.spi.LeaseStoreFactory}. Backends depend on this package only. */
package dev.baton.spi;
